using Opportunity.Routing;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;

namespace Opportunity.Core.Tests.Routing;

public sealed class RoutingTraceTests
{
    [Fact]
    public void Format_ListsEachRuleRemovalsScoresChoiceAndSeed()
    {
        var network = Network(
            Partner("P-1", capacity: 4),
            Partner("P-2", capacity: 4),
            Partner("P-full", capacity: 1),
            Partner("P-solar", products: ["solar"]),
            Partner("P-fr", country: "FR"));
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-full"), 1, null);
        load.Set(new PartnerId("P-2"), 3, null);
        var rules = RoutingRuleSet.Create("dach").Version("7").InTerritory().SellingProductLine().WithinCapacity().ScoreByLoad(2).Build();

        var decision = rules.Route(Request(lead: "L-42", seed: 1234), network, load);
        var text = decision.Format();

        Assert.Equal("P-1", decision.Partner!.Value.Value);
        Assert.Contains("Routing of lead L-42 with rule set 'dach' (version 7) at 2025-03-04T10:00:00Z, seed 1234", text, StringComparison.Ordinal);
        Assert.Contains("source   territory: 5 → 4 — 4 of 5 partners cover DE 80331", text, StringComparison.Ordinal);
        Assert.Contains("P-solar (Partner P-solar): removed: does not sell 'heat-pumps'", text, StringComparison.Ordinal);
        Assert.Contains("P-full (Partner P-full): removed: at capacity (1 of 1 open leads)", text, StringComparison.Ordinal);
        Assert.Contains("scorer   loadBalancing ×2: 2 → 2", text, StringComparison.Ordinal);
        Assert.Contains("P-1 (Partner P-1): score 1", text, StringComparison.Ordinal);
        Assert.Contains("P-2 (Partner P-2): score 0.25", text, StringComparison.Ordinal);
        Assert.Contains("P-1 (Partner P-1): picked, total score 2", text, StringComparison.Ordinal);
        Assert.EndsWith("Result: assigned to P-1" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Equal(text, decision.ToString());
    }

    [Fact]
    public void Trace_StepsInPipelineOrderWithCounts()
    {
        var network = Network(Partner("P-1"), Partner("P-2", active: false));
        var decision = RoutingRuleSet.Create("x").InTerritory().ScoreByLoad().Build().Route(Request(), network);
        Assert.Equal(
            [("territory", RoutingStepRole.Source), ("excludePrevious", RoutingStepRole.Filter), ("active", RoutingStepRole.Filter), ("loadBalancing", RoutingStepRole.Scorer), ("highestScore", RoutingStepRole.Selector)],
            decision.Trace.Steps.Select(s => (s.Kind, s.Role)));
        var active = decision.Trace.Find("active")!.Value;
        Assert.Equal((2, 1), (active.CandidatesBefore, active.CandidatesAfter));
        Assert.Equal("P-2", Assert.Single(active.Entries).Partner.Id.Value);
        Assert.Null(decision.Trace.WhyRemoved(new PartnerId("P-1")));
    }

    [Fact]
    public void Unroutable_ReasonCountsRemovalsPerRule()
    {
        var network = Network(Partner("P-1", active: false), Partner("P-2", products: ["solar"]), Partner("P-3", products: ["solar"]));
        var decision = RoutingRuleSet.Create("x").InTerritory().SellingProductLine().Build().Route(Request(), network);
        Assert.Equal(RoutingOutcome.Unroutable, decision.Outcome);
        Assert.Null(decision.Partner);
        Assert.Empty(decision.Partners);
        Assert.Equal("productLine", decision.UnroutableAt);
        Assert.Equal("all 3 candidate(s) were removed (active 1, productLine 2)", decision.UnroutableReason);
        Assert.Contains("unroutable at 'productLine'", decision.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoSourceRule_ScansWholeNetworkAndSaysSo()
    {
        var network = Network(Partner("P-1"), Partner("P-2"));
        var decision = RoutingRuleSet.Create("x").SellingProductLine().Build().Route(Request(), network);
        Assert.Equal("network", decision.Trace.Steps[0].Kind);
        Assert.Equal("all 2 partners of the network (no territory or radius rule narrows this lead)", decision.Trace.Steps[0].Note.ToString());
    }
}
