using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>Routing replay against the history kept in a real SQLite file: past leads from the store, first decisions from the decision log.</summary>
public sealed class SqliteRoutingHistoryReplayTests : IDisposable
{
    private static readonly TenantId Tenant = new("acme");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 4, 10, 0));

    public void Dispose() => _database.Dispose();

    private static Partner Partner(string id, string prefix, PartnerTier tier) => new(Tenant, new PartnerId(id), $"Partner {id}", tier)
    {
        Territories = [new Territory(new CountryCode("DE"), [prefix])],
    };

    private static LeadDetails Lead(string source, string postalCode, decimal value) => new()
    {
        Source = source,
        Location = new LeadLocation(new CountryCode("DE"), postalCode, "Stadt"),
        EstimatedValue = new Money(value, CurrencyCode.EUR),
    };

    [Fact]
    public async Task RunAsync_DraftSendingLargeTradeFairLeadsToGoldPartners_ReportsPerLeadOldAndDraftPartnerAndTotals()
    {
        // What happened: one rule set, by territory, for every lead.
        using (var provider = Build(o => o.RuleSet = RoutingRuleSet.Create("live").InTerritory().PickHighestScore().Build()))
        {
            var directory = provider.GetRequiredService<IPartnerDirectory>();
            await directory.UpsertAsync(Partner("P-munich", "80", PartnerTier.Silver));
            await directory.UpsertAsync(Partner("P-gold", "9", PartnerTier.Gold));
            var intake = provider.GetRequiredService<LeadIntakeService>();
            foreach (var (id, details) in new[] { ("L-1", Lead("web", "80331", 5_000m)), ("L-2", Lead("trade-fair", "80331", 80_000m)), ("L-3", Lead("web", "10115", 9_000m)) })
            {
                await intake.CaptureAsync(Tenant, new LeadId(id), details, "sales");
                await intake.QualifyAsync(Tenant, new LeadId(id), LeadQualification.Full, "sales");
                _clock.Advance(Duration.FromMinutes(5));
            }
        }

        // The draft: large trade-fair leads go to Gold partners; everything else as before.
        var draft = RoutingRuleSets.FromJson("""
            {
              "ruleSets": [
                { "name": "large-fair", "when": { "sources": ["trade-fair"], "minValue": "50000 EUR" }, "filters": [{ "kind": "minimumTier", "tier": "Gold" }] },
                { "name": "rest", "filters": [{ "kind": "territory" }] }
              ]
            }
            """).Value;
        using var restarted = Build(_ => { });
        var report = await RoutingHistoryReplay.RunAsync(Tenant, draft, restarted.GetRequiredService<ILeadStore>(), restarted.GetRequiredService<IRoutingDecisionLog>(), restarted.GetRequiredService<IPartnerDirectory>());

        Assert.Equal(["L-1", "L-2", "L-3"], report.Leads.Select(l => l.Lead.Value));
        var fair = report.Leads[1];
        Assert.Equal(("live", "P-munich", "large-fair", "P-gold"), (fair.OldRuleSet, fair.OldPartner?.Value, fair.DraftRuleSet, fair.DraftPartner?.Value));
        Assert.Equal(("rest", false), (report.Leads[0].DraftRuleSet, report.Leads[0].Changed));
        Assert.Equal((RoutingOutcome.Unroutable, RoutingOutcome.Unroutable), (report.Leads[2].OldOutcome, report.Leads[2].DraftOutcome));
        Assert.Equal((2, 1, 0, 0), (report.Same, report.Changed, report.NowRoutable, report.NowUnroutable));
        Assert.Equal([("P-gold", 0, 1), ("P-munich", 2, 1)], report.ByPartner.Select(p => (p.Partner.Value, p.Old, p.Draft)));
        Assert.Contains("L-2: P-munich [live] -> P-gold [large-fair]", report.Format(), StringComparison.Ordinal);
    }

    private ServiceProvider Build(Action<LeadDistributionOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(_clock);
        services.AddOpportunityManagement().UseSqliteFile(_database.Path).AddLeadDistribution(configure);
        return services.BuildServiceProvider();
    }
}
