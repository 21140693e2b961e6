using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// Scheduled forecast snapshots per node taken by due work on several hosts (one service provider
/// each) over one SQLite file: each weekly snapshot exactly once, also after a host crashed between
/// its claim and its save.
/// </summary>
public sealed class SqliteForecastSnapshotScheduleTests : IDisposable
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly ForecastPeriod Q1 = FiscalCalendar.CalendarYear.Quarter(2025, 1);
    private static readonly Instant FirstMonday = Instant.FromUtc(2025, 2, 3, 5, 0); // 06:00 in Berlin
    private const string Root = "network";
    private const string AnnasPartner = "network/region:DE-South/channel_manager:anna@acme.example/partner:P1";
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 1, 20, 9, 0));
    private readonly List<ServiceProvider> _hosts = [];

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task ProcessDueAsync_ThreeHostsOverOneFile_EachWeeklySnapshotTakenOnce()
    {
        await SeedAsync(Host("host-1"));
        Host("host-2");
        Host("host-3");
        var taken = new List<int>();

        for (var week = 0; week < 3; week++)
        {
            // Each host runs twice at once, at the due instant and a minute later.
            var due = FirstMonday + Duration.FromDays(7 * week);
            var reports = await Task.WhenAll(_hosts.SelectMany(h => new[] { (h, due), (h, due + Duration.FromMinutes(1)) })
                .Select(run => Task.Run(() => run.h.GetRequiredService<DueWorkProcessor>().ProcessDueAsync(run.Item2))));
            taken.Add(reports.Sum(r => r.ForecastSnapshots));
        }

        var beforeTheFourth = await _hosts[1].GetRequiredService<DueWorkProcessor>().ProcessDueAsync(FirstMonday + Duration.FromDays(21) - Duration.FromSeconds(1));
        var snapshots = _hosts[2].GetRequiredService<IForecastSnapshotStore>();
        var root = await snapshots.ListAsync(Tenant, Q1, ForecastScope.OfNode(Root));
        var partner = await snapshots.ListAsync(Tenant, Q1, ForecastScope.OfNode(AnnasPartner));

        Assert.Equal([1, 1, 1], taken);
        Assert.Equal(0, beforeTheFourth.ForecastSnapshots);
        Assert.Equal([new LocalDate(2025, 2, 3), new LocalDate(2025, 2, 10), new LocalDate(2025, 2, 17)], root.Select(s => s.TakenOn));
        Assert.All(root, s => Assert.Equal(15_000m, s.ByCategory.Values.Sum(m => m.Amount)));
        Assert.All(partner, s => Assert.Equal(10_000m, s.ByCategory.Values.Sum(m => m.Amount)));
        Assert.Equal(3, partner.Count);
    }

    [Fact]
    public async Task ProcessDueAsync_HostCrashedBetweenClaimAndSave_TakenOnceByAnotherHostAfterTheLease()
    {
        var crashed = Host("host-1");
        await SeedAsync(crashed);
        Host("host-2");
        Host("host-3");
        var monday = new LocalDate(2025, 2, 3);
        var runs = crashed.GetRequiredService<IForecastSnapshotRunStore>();

        // host-1 claims the run and dies before it saves anything.
        Assert.True(await runs.TryClaimRunAsync(Tenant, monday, "host-1", FirstMonday, Duration.FromMinutes(5)));
        var whileLeased = await RunOthersAsync(FirstMonday + Duration.FromMinutes(4));
        var afterLease = await RunOthersAsync(FirstMonday + Duration.FromMinutes(5));
        var later = await RunOthersAsync(FirstMonday + Duration.FromMinutes(6));
        var lateSaveOfTheCrashed = await runs.CompleteRunAsync(Tenant, monday, "host-1", [], FirstMonday + Duration.FromMinutes(7));
        var run = await runs.FindRunAsync(Tenant, monday);

        Assert.Equal((0, 1, 0, false), (whileLeased, afterLease, later, lateSaveOfTheCrashed));
        Assert.Equal(2, run!.Claims);
        Assert.Contains(run.Owner, new[] { "host-2", "host-3" });
        Assert.Equal(FirstMonday + Duration.FromMinutes(5), run.CompletedAt);
        Assert.Single(await crashed.GetRequiredService<IForecastSnapshotStore>().ListAsync(Tenant, Q1, ForecastScope.OfNode(Root)));
    }

    private async Task<int> RunOthersAsync(Instant now)
    {
        var reports = await Task.WhenAll(_hosts.Skip(1).Select(h => Task.Run(() => h.GetRequiredService<DueWorkProcessor>().ProcessDueAsync(now))));
        return reports.Sum(r => r.ForecastSnapshots);
    }

    private ServiceProvider Host(string id)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(_clock);
        services.AddOpportunityManagement(o => o.HostId = id)
            .UseSqliteFile(_database.Path)
            .AddLeadDistribution()
            .AddForecastSnapshotSchedule(o =>
            {
                o.Tenants.Add(Tenant.Value);
                o.TimeZone = "Europe/Berlin";
                o.DayOfWeek = IsoDayOfWeek.Monday;
                o.TimeOfDay = TimeSpan.FromHours(6);
            });
        var provider = services.BuildServiceProvider();
        _hosts.Add(provider);
        return provider;
    }

    private async Task SeedAsync(ServiceProvider host)
    {
        var partners = host.GetRequiredService<IPartnerDirectory>();
        await partners.UpsertAsync(new Partner(Tenant, new PartnerId("P1"), "Alpha", PartnerTier.Gold) { ChannelManagerEmail = "anna@acme.example" });
        await partners.UpsertAsync(new Partner(Tenant, new PartnerId("P2"), "Beta", PartnerTier.Silver) { ChannelManagerEmail = "bob@acme.example" });
        var opportunities = host.GetRequiredService<IOpportunityStore>();
        foreach (var (id, partner, amount) in new[] { ("O-1", "P1", 10_000m), ("O-2", "P2", 5_000m) })
        {
            await opportunities.AddAsync(SalesOpportunity.Open(Tenant, new OpportunityId(id), new SalesOpportunityDraft(new PartnerId(partner), new Money(amount, CurrencyCode.EUR), new LocalDate(2025, 3, 14)) { Region = "DE-South" }, PipelineDefinition.Default, "sales", _clock));
        }
    }
}
