using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Opportunity.Diagnostics;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Hosting.Tests.Diagnostics;

/// <summary>The names and values alone would be measured by all tests of the process: no parallel neighbours.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>The OpenTelemetry setup of docs/observability.md, exported in memory, over a real SQLite file.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class OpenTelemetrySetupTests : IDisposable
{
    private static readonly ActivitySource TestSource = new("Opportunity.Hosting.Tests.Telemetry");
    private static readonly TenantId Tenant = new("acme");
    private static readonly string[] ContactData = ["Jane Doe", "jane@prospect.example", "+49 89 1234567", "Prospect GmbH"];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "opportunity-otel-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AddOpenTelemetry_CaptureQualifyAcceptConvert_ExportsSpansAndMetricsWithoutContactData()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var clock = new FakeClock(Instant.FromUtc(2025, 3, 4, 10, 0));
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(clock);
        services.AddOpportunityManagement()
            .UseSqliteFile(Path.Combine(_folder, "app.db"))
            .AddLeadDistribution(o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build());

        // As docs/observability.md shows it, with in-memory exporters instead of OTLP.
        services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(OpportunityTelemetry.SourceName).AddSource(TestSource.Name).AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddMeter(OpportunityTelemetry.MeterName).AddInMemoryExporter(metrics));

        using (var provider = services.BuildServiceProvider())
        {
            var tracing = provider.GetRequiredService<TracerProvider>();
            var metering = provider.GetRequiredService<MeterProvider>();
            var intake = provider.GetRequiredService<LeadIntakeService>();
            var partnerLeads = provider.GetRequiredService<PartnerLeadService>();
            await provider.GetRequiredService<IPartnerDirectory>().UpsertAsync(Partner());
            var lead = new LeadId("L-1");
            using (TestSource.StartActivity("request"))
            {
                await intake.CaptureAsync(Tenant, lead, Details(), "sales");
                await intake.QualifyAsync(Tenant, lead, LeadQualification.Full, "sales");
                await partnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), lead);
                await partnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), lead, new OpportunityId("O-1"), new LocalDate(2025, 6, 30));
            }

            tracing.ForceFlush();
            metering.ForceFlush();

            // Read while the provider lives: exported metric points are reused, not copied.
            var decisions = metrics.Last(m => m.Name == "opportunity.routing.decisions");
            Assert.Equal("{decision}", decisions.Unit);
            Assert.Equal(1, SumOf(decisions, "opportunity.outcome", "assigned"));
            var duration = metrics.Last(m => m.Name == "opportunity.routing.duration");
            Assert.Equal(("s", 1L), (duration.Unit, CountOf(duration)));
        }

        var request = Assert.Single(spans, s => s.OperationName == "request");
        var trace = spans.Where(s => s.TraceId == request.TraceId).ToList();
        Assert.Equal(
            ["opportunity.lead.capture", "opportunity.lead.qualify", "opportunity.lead.route", "opportunity.lead.accept", "opportunity.lead.convert"],
            trace.Where(s => s.OperationName.StartsWith("opportunity.lead.", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName));
        var route = trace.Single(s => s.OperationName == "opportunity.lead.route");
        Assert.Equal(("acme", "L-1", "assigned", "P-a"), (route.GetTagItem("opportunity.tenant"), route.GetTagItem("opportunity.lead.id"), route.GetTagItem("opportunity.outcome"), route.GetTagItem("opportunity.partner.id")));
        Assert.Equal(("O-1", "converted"), (trace.Single(s => s.OperationName == "opportunity.lead.convert").GetTagItem("opportunity.opportunity.id"), trace.Single(s => s.OperationName == "opportunity.lead.convert").GetTagItem("opportunity.outcome")));
        var store = trace.Where(s => s.OperationName.StartsWith("opportunity.store.", StringComparison.Ordinal)).ToList();
        Assert.Contains(store, s => s.OperationName == "opportunity.store.AddAsync" && s.Parent?.OperationName == "opportunity.lead.capture");
        Assert.Contains(store, s => s.OperationName == "opportunity.store.ConvertAsync" && s.Parent?.OperationName == "opportunity.lead.convert");
        Assert.All(store, s => Assert.Equal(("sqlite", ActivityKind.Client), (s.GetTagItem("db.system.name"), s.Kind)));
        Assert.DoesNotContain(
            trace.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty),
            v => ContactData.Any(c => v.Contains(c, StringComparison.OrdinalIgnoreCase)));

    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static long SumOf(Metric metric, string tag, string value)
    {
        long sum = 0;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            foreach (var t in point.Tags)
            {
                if (t.Key == tag && Equals(t.Value, value))
                {
                    sum += point.GetSumLong();
                }
            }
        }

        return sum;
    }

    private static long CountOf(Metric metric)
    {
        long count = 0;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            count += point.GetHistogramCount();
        }

        return count;
    }

    private static Partner Partner() => new(Tenant, new PartnerId("P-a"), "Partner A", PartnerTier.Silver)
    {
        Territories = [new Territory(new CountryCode("DE"), ["80"])],
        Calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc),
    };

    private static LeadDetails Details() => new()
    {
        Source = "web",
        Company = "Prospect GmbH",
        Contact = new LeadContact("Jane Doe", "jane@prospect.example", "+49 89 1234567"),
        Location = new LeadLocation(new CountryCode("DE"), "80331", "München"),
        ProductInterest = "heat-pumps",
        Language = "de",
        EstimatedValue = new Money(12_000m, CurrencyCode.EUR),
    };
}
