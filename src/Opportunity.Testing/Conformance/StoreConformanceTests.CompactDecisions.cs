using NodaTime;
using Opportunity.Partners;
using Opportunity.Routing;
using Opportunity.Workflows;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;
using Opportunity.Persistence;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// A decision stored compactly (<see cref="RoutingDecisionRecord.From"/>: summary, no full trace)
    /// comes back equal, summary included, and its explanation still names the chosen partner, the
    /// best candidates with their scores and why the others were removed.
    /// </summary>
    [ConformanceFact]
    public async Task RoutingDecisions_CompactRecord_RoundTripsAndStillExplainsTheChoice()
    {
        if (Store.DecisionLog is null)
        {
            return;
        }

        var (decision, lead) = RouteAmongThirtyPartners();
        var record = RoutingDecisionRecord.From(decision);

        await Store.DecisionLog.AppendAsync(TenantA, record);
        var read = Assert.Single(await Store.DecisionLog.ForLeadAsync(TenantA, lead));

        AssertSameDecisions([record], [read]);
        var summary = Assert.IsType<RoutingDecisionSummary>(read.Summary);
        Assert.Equal(RoutingDecisionSummary.DefaultMaxCandidates, summary.TopCandidates.Count);
        Assert.Equal(19, summary.CandidatesScored);
        Assert.Equal(decision.Partner, summary.TopCandidates[0].Partner);
        Assert.True(summary.TopCandidates[0].Picked);
        Assert.Equal([8, 3], summary.Steps.Where(s => s.Removed > 0).Select(s => s.Removed));
        Assert.Contains($"Result: assigned to {decision.Partner}", read.Explanation, StringComparison.Ordinal);
        Assert.All(summary.TopCandidates, c => Assert.Contains($". {c.Partner}: total ", read.Explanation, StringComparison.Ordinal));
        Assert.Contains("removed: does not sell 'heat-pumps' (and 7 more for this reason)", read.Explanation, StringComparison.Ordinal);
        Assert.Contains("removed: at capacity (25 of 25 open leads) (and 2 more for this reason)", read.Explanation, StringComparison.Ordinal);
        Assert.Contains("Top 10 of 19 candidate(s), total = Σ weight × score (loadBalancing, tier):", read.Explanation, StringComparison.Ordinal);
        Assert.True(read.Explanation.Length < decision.Format().Length / 2, $"compact text of {read.Explanation.Length} characters, full trace {decision.Format().Length}");
    }

    /// <summary>Text-only records (as written before 0.2.0) and records whose text was edited next to their summary read back exactly, in order with compact ones.</summary>
    [ConformanceFact]
    public async Task RoutingDecisions_TextOnlyAndEditedRecords_ReadBackExactlyBesideCompactOnes()
    {
        if (Store.DecisionLog is null)
        {
            return;
        }

        var (decision, lead) = RouteAmongThirtyPartners();
        var compact = RoutingDecisionRecord.From(decision);
        var fullText = new RoutingDecisionRecord(lead, decision.At, decision.RuleSet, decision.RuleSetVersion, decision.Outcome, [.. decision.Partners], decision.Seed, decision.UnroutableReason, decision.Format());
        var edited = compact with { Explanation = "explained by hand\n" };
        Assert.False(edited.HasDerivedExplanation);
        Assert.True(compact.HasDerivedExplanation);

        await AppendAllAsync(Store.DecisionLog, TenantA, [fullText, compact, edited]);

        AssertSameDecisions([fullText, compact, edited], await Store.DecisionLog.ForLeadAsync(TenantA, lead));
    }

    /// <summary>
    /// Thirty partners covering the lead: 8 do not sell its product line, 3 of the rest are at
    /// capacity, 19 are scored by load and tier, and the highest score wins.
    /// </summary>
    private (RoutingDecision Decision, LeadId Lead) RouteAmongThirtyPartners()
    {
        var tiers = new[] { PartnerTier.Registered, PartnerTier.Silver, PartnerTier.Gold, PartnerTier.Platinum };
        var partners = Enumerable.Range(0, 30).Select(i => NewPartner(TenantA, new PartnerId($"P-{i:00}")) with
        {
            Tier = tiers[i % 4],
            ProductLines = new HashSet<string>(i % 4 == 1 ? ["solar"] : ["heat-pumps"], StringComparer.OrdinalIgnoreCase),
        }).ToList();
        var load = new PartnerLoadTable();
        for (var i = 0; i < partners.Count; i++)
        {
            load.Set(partners[i].Id, i is 0 or 4 or 8 ? 25 : i % 7, null);
        }

        var rules = RoutingRuleSet.Create("conformance").Version("7").InTerritory().SellingProductLine().WithinCapacity().ScoreByLoad().ScoreByTier(0.5).PickHighestScore().Build();
        var lead = NewLead(TenantA, "L-compact", Clock);
        return (rules.Route(RoutingRequest.ForLead(lead, Clock.GetCurrentInstant() + Duration.FromNanoseconds(7), seed: 42), RoutingNetwork.Build(partners), load), lead.Id);
    }
}
