using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Core.Tests.Notifications;
using Opportunity.Diagnostics;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Diagnostics;

/// <summary>Spans, instruments and log messages of the workflows, seen through the BCL's own listeners (no OpenTelemetry here).</summary>
public sealed class OpportunityTelemetryTests
{
    private const string TestSourceName = "Opportunity.Core.Tests.Telemetry";

    // Matched by name, not by reference: a listener comparing with this field could run the field's initialiser
    // while the listener is being added, and the source created then was never listened to (the test failed when
    // it ran first or alone).
    private static readonly ActivitySource TestSource = new(TestSourceName);
    private static readonly Instant Tuesday10 = Instant.FromUtc(2025, 3, 4, 10, 0);
    private static readonly string[] ContactData = ["Jane Doe", "jane@prospect.example", "+49 89 1234567", "Prospect GmbH"];

    [Fact]
    public async Task Workflows_LeadCapturedToStageChange_EmitSpansMetricsAndLogsWithoutContactData()
    {
        using var meters = new MeterCollector();
        using var spans = new SpanCollector();
        var clock = new FakeClock(Tuesday10);
        var sink = new LogSink();
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(clock);
        services.AddSingleton<System.Diagnostics.Metrics.IMeterFactory>(meters);
        services.AddSingleton(sink);
        services.AddSingleton(typeof(ILogger<>), typeof(SinkLogger<>));
        services.AddOpportunityManagement(o => o.HostId = "host-a")
            .AddLeadDistribution(o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build())
            .AddNotificationDispatcher();
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<InMemoryStore>();
        var intake = provider.GetRequiredService<LeadIntakeService>();
        var partnerLeads = provider.GetRequiredService<PartnerLeadService>();
        await store.UpsertAsync(Partner("P-a"));
        var lead = new LeadId("L-1");

        using (var root = TestSource.StartActivity("test"))
        {
            spans.Trace = root!.TraceId;
            await intake.CaptureAsync(Tenant, lead, Details(), "sales");
            await intake.QualifyAsync(Tenant, lead, LeadQualification.Full, "sales");
            await partnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), lead);
            var opportunity = await partnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), lead, new OpportunityId("O-1"), new LocalDate(2025, 6, 30));
            opportunity.MoveToStage("Needs analysis", "P-a", clock);
            await store.UpdateAsync(opportunity);
            var due = opportunity.NextDueAt!.Value;
            clock.Reset(due + Duration.FromHours(1));
            await provider.GetRequiredService<DueWorkProcessor>().ProcessDueAsync(clock.GetCurrentInstant());
            var dispatcher = provider.GetRequiredService<NotificationDispatcher>(); // creates the outbox gauges
            meters.Collect(); // read them before the dispatch empties the outbox
            await dispatcher.DispatchDueAsync();
        }

        var names = spans.Stopped.Select(a => a.OperationName).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "opportunity.lead.capture", "opportunity.lead.qualify", "opportunity.lead.route", "opportunity.lead.accept",
                "opportunity.lead.convert", "opportunity.opportunity.stage_change", "opportunity.due_work.process", "opportunity.outbox.dispatch",
            },
            names);
        var route = spans.Single("opportunity.lead.route");
        Assert.Equal(("acme", "L-1", "assigned", "P-a"), (route.GetTagItem("opportunity.tenant"), route.GetTagItem("opportunity.lead.id"), route.GetTagItem("opportunity.outcome"), route.GetTagItem("opportunity.partner.id")));
        Assert.Equal("opportunity.lead.qualify", route.Parent!.OperationName);
        var convert = spans.Single("opportunity.lead.convert");
        Assert.Equal(("O-1", "converted"), (convert.GetTagItem("opportunity.opportunity.id"), convert.GetTagItem("opportunity.outcome")));
        var stage = spans.Single("opportunity.opportunity.stage_change");
        Assert.Equal(("Qualification", "Needs analysis", "moved"), (stage.GetTagItem("opportunity.stage.from"), stage.GetTagItem("opportunity.stage"), stage.GetTagItem("opportunity.outcome")));
        var tagValues = spans.Stopped.SelectMany(a => a.TagObjects).Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).ToList();
        Assert.DoesNotContain(tagValues, v => ContactData.Any(c => v.Contains(c, StringComparison.OrdinalIgnoreCase)));

        Assert.Equal(1, meters.Sum("opportunity.routing.decisions", "opportunity.outcome", "assigned"));
        Assert.Equal(0, meters.Sum("opportunity.routing.unroutable"));
        Assert.Single(meters.Measurements, m => m.Instrument == "opportunity.routing.duration" && Equals(m.Tags["opportunity.outcome"], "assigned"));
        var lag = Assert.Single(meters.Measurements, m => m.Instrument == "opportunity.due_work.lag");
        Assert.Equal((3600d, "SalesOpportunity"), (lag.Value, lag.Tags["opportunity.record.kind"]));
        var pending = meters.Measurements.Last(m => m.Instrument == "opportunity.outbox.pending").Value;
        Assert.True(pending > 0, "the events of capture, routing, acceptance and conversion wait in the outbox before the dispatch");
        Assert.True(meters.Measurements.Last(m => m.Instrument == "opportunity.outbox.oldest_pending_age").Value >= 3600);

        Assert.Contains(sink.Entries, e => e.EventId == 100);
        Assert.Contains(sink.Entries, e => e.EventId == 101 && e.Message.Contains("assigned", StringComparison.Ordinal));
        Assert.Contains(sink.Entries, e => e.EventId == 103);
        Assert.Contains(sink.Entries, e => e.EventId == 105 && e.Message.Contains("O-1", StringComparison.Ordinal));
        Assert.Contains(sink.Entries, e => e.EventId == 201);
        Assert.DoesNotContain(sink.Entries, e => ContactData.Any(c => e.Message.Contains(c, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Routing_NoPartnerMatches_CountsUnroutableAndLogsAWarning()
    {
        using var meters = new MeterCollector();
        var sink = new LogSink();
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(new FakeClock(Tuesday10));
        services.AddSingleton<System.Diagnostics.Metrics.IMeterFactory>(meters);
        services.AddSingleton(sink);
        services.AddSingleton(typeof(ILogger<>), typeof(SinkLogger<>));
        services.AddOpportunityManagement().AddLeadDistribution(o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build());
        using var provider = services.BuildServiceProvider();
        var intake = provider.GetRequiredService<LeadIntakeService>();
        var partnerLeads = provider.GetRequiredService<PartnerLeadService>();

        await intake.CaptureAsync(Tenant, new LeadId("L-9"), Details(), "sales");
        var decision = await intake.QualifyAsync(Tenant, new LeadId("L-9"), LeadQualification.Full, "sales");

        Assert.Equal(RoutingOutcome.Unroutable, decision!.Outcome);
        Assert.Equal(1, meters.Sum("opportunity.routing.decisions", "opportunity.outcome", "unroutable"));
        Assert.Equal(1, meters.Sum("opportunity.routing.unroutable"));
        Assert.Contains(sink.Entries, e => e.EventId == 102 && e.Level == LogLevel.Warning && e.Message.Contains("L-9", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_AreTheDocumentedOnes()
    {
        Assert.Equal(("Opportunity", "Opportunity"), (OpportunityTelemetry.SourceName, OpportunityTelemetry.MeterName));
    }

    /// <summary>Collects the spans of one trace (parallel tests run their own traces).</summary>
    private sealed class SpanCollector : IDisposable
    {
        private readonly ActivityListener _listener;

        public SpanCollector()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name is OpportunityTelemetry.SourceName or TestSourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    if (a.TraceId == Trace)
                    {
                        Stopped.Enqueue(a);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ActivityTraceId Trace { get; set; }

        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public Activity Single(string name) => Assert.Single(Stopped, a => a.OperationName == name);

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>Every log entry of one service provider.</summary>
internal sealed class LogSink
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();
}

internal sealed class SinkLogger<T>(LogSink sink) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        sink.Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
}
