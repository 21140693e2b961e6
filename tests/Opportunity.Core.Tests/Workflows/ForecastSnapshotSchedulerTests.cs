using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Core.Tests.Workflows;

public sealed class ForecastSnapshotSchedulerTests
{
    private static readonly TenantId Tenant = new("acme");

    [Theory]
    [InlineData("2025-02-03T04:59:59Z", "2025-01-27")] // Monday 05:59:59 in Berlin: last week's is the latest due
    [InlineData("2025-02-03T05:00:00Z", "2025-02-03")] // Monday 06:00 in Berlin
    [InlineData("2025-02-09T22:59:59Z", "2025-02-03")] // Sunday 23:59:59 in Berlin
    [InlineData("2025-03-31T03:59:00Z", "2025-03-24")] // after the switch to summer time: 06:00 is 04:00Z
    [InlineData("2025-03-31T04:00:00Z", "2025-03-31")]
    public void LatestDue_WeeklyOnMondayAtSixInBerlin_DateOfTheLastMondayPastSix(string now, string expected)
    {
        var scheduler = Scheduler(o => o.TimeZone = "Europe/Berlin");

        Assert.Equal(LocalDateOf(expected), scheduler.LatestDue(InstantOf(now)));
    }

    [Theory]
    [InlineData("2025-04-01T03:59:00Z", "2025-01-01")] // 05:59 in Berlin on 1 April: Q1's start is the latest
    [InlineData("2025-04-01T04:00:00Z", "2025-04-01")]
    [InlineData("2025-06-30T21:00:00Z", "2025-04-01")]
    public void LatestDue_AtPeriodStart_FirstDayOfTheQuarterPastTheTime(string now, string expected)
    {
        var scheduler = Scheduler(o =>
        {
            o.TimeZone = "Europe/Berlin";
            o.Cadence = ForecastSnapshotCadence.PeriodStart;
        });

        Assert.Equal(LocalDateOf(expected), scheduler.LatestDue(InstantOf(now)));
    }

    [Fact]
    public async Task TakeDueAsync_InMemory_OneSnapshotPerNodeWithStoredAdjustmentsOncePerDate()
    {
        var store = new InMemoryStore();
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2025, 1, 20, 9, 0));
        await store.UpsertAsync(new Partner(Tenant, new PartnerId("P1"), "Alpha", PartnerTier.Gold) { ChannelManagerEmail = "anna@acme.example" });
        await store.AddAsync(SalesOpportunity.Open(Tenant, new OpportunityId("O-1"), new SalesOpportunityDraft(new PartnerId("P1"), new Money(10_000m, CurrencyCode.EUR), new LocalDate(2025, 3, 14)) { Region = "EMEA" }, PipelineDefinition.Default, "sales", clock));
        const string emea = "network/region:EMEA";
        var q1 = FiscalCalendar.CalendarYear.Quarter(2025, 1);
        var category = SalesOpportunity.Open(Tenant, new OpportunityId("x"), new SalesOpportunityDraft(new PartnerId("P1"), new Money(1m, CurrencyCode.EUR), new LocalDate(2025, 3, 14)), PipelineDefinition.Default, "sales", clock).ForecastCategory;
        await store.AddAdjustmentAsync(Tenant, new ForecastAdjustment(emea, q1, category, new Money(12_345m, CurrencyCode.EUR), "anna@acme.example", Instant.FromUtc(2025, 1, 30, 9, 0), "Framework deal"));
        await store.AddAdjustmentAsync(Tenant, new ForecastAdjustment("network/region:LATAM", q1, category, new Money(1m, CurrencyCode.EUR), "bob@acme.example", Instant.FromUtc(2025, 1, 30, 9, 0), "No deals there any more"));
        var scheduler = Scheduler(o => o.TimeZone = "UTC", store);
        var monday = Instant.FromUtc(2025, 2, 3, 6, 0);

        var first = await scheduler.TakeDueAsync(monday);
        var again = await scheduler.TakeDueAsync(monday + Duration.FromHours(1));

        Assert.Equal((1, 0), (first, again));
        var root = Assert.Single(await store.ListAsync(Tenant, q1, ForecastScope.OfNode("network")));
        var region = Assert.Single(await store.ListAsync(Tenant, q1, ForecastScope.OfNode(emea)));
        var partner = Assert.Single(await store.ListAsync(Tenant, q1, ForecastScope.OfNode($"{emea}/channel_manager:anna@acme.example/partner:P1")));
        Assert.Equal((new LocalDate(2025, 2, 3), 12_345m, 12_345m), (root.TakenOn, root.ByCategory[category].Amount, region.ByCategory[category].Amount));
        Assert.Equal(10_000m, partner.ByCategory[category].Amount);
        Assert.Equal(root.Expected, root.P90);
    }

    [Fact]
    public async Task ProcessDueAsync_SnapshotRunFails_CountsAFailureAndStaysDue()
    {
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2025, 2, 3, 6, 0));
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(clock);
        services.AddOpportunityManagement(o => o.HostId = "host-1")
            .AddLeadDistribution(o => o.RuleSet = Opportunity.Routing.RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build())
            .AddForecastSnapshotSchedule(o =>
            {
                o.Tenants.Add(Tenant.Value);
                o.TimeZone = "UTC";
            });
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<InMemoryStore>();
        await store.UpsertAsync(new Partner(Tenant, new PartnerId("P1"), "Alpha", PartnerTier.Gold));

        // A deal in USD and no exchange-rate provider: the EUR snapshot cannot be taken.
        await store.AddAsync(SalesOpportunity.Open(Tenant, new OpportunityId("O-1"), new SalesOpportunityDraft(new PartnerId("P1"), new Money(10_000m, CurrencyCode.USD), new LocalDate(2025, 3, 14)), PipelineDefinition.Default, "sales", clock));
        var processor = provider.GetRequiredService<DueWorkProcessor>();

        var report = await processor.ProcessDueAsync(clock.GetCurrentInstant());

        Assert.Equal((0, 1), (report.ForecastSnapshots, report.Failures));
        Assert.Empty(await store.ListAsync(Tenant, FiscalCalendar.CalendarYear.Quarter(2025, 1), ForecastScope.OfNode("network")));
    }

    [Fact]
    public void AddForecastSnapshotSchedule_BadConfiguration_FailsNamingEachOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tenants:0"] = "acme",
            ["TimeZone"] = "Mars/Olympus",
            ["FiscalYearStartMonth"] = "13",
            ["Currency"] = "eur",
            ["TimeOfDay"] = "1.00:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddForecastSnapshotSchedule(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ForecastSnapshotScheduleOptions>>().Value);

        Assert.Equal(["TimeOfDay", "TimeZone", "FiscalYearStartMonth", "Currency"], error.Failures.Select(f => f[..f.IndexOfAny([' ', '\''])].TrimEnd()));
    }

    [Fact]
    public void AddForecastSnapshotSchedule_UnknownKey_Refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Tenant"] = "acme" }).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddForecastSnapshotSchedule(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<ForecastSnapshotScheduleOptions>>().Value);

        Assert.Contains("'Tenant'", error.Message, StringComparison.Ordinal);
    }

    private static ForecastSnapshotScheduler Scheduler(Action<ForecastSnapshotScheduleOptions> configure, InMemoryStore? store = null)
    {
        var options = new ForecastSnapshotScheduleOptions();
        options.Tenants.Add(Tenant.Value);
        configure(options);
        store ??= new InMemoryStore();
        return new ForecastSnapshotScheduler(store, store, store, Options.Create(options), Options.Create(new OpportunityManagementOptions { HostId = "host-1" }), store);
    }

    private static Instant InstantOf(string text) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(text).Value;

    private static LocalDate LocalDateOf(string text) => NodaTime.Text.LocalDatePattern.Iso.Parse(text).Value;
}
