using NodaTime;
using Opportunity.Partners;
using Opportunity.Routing;
using Opportunity.Routing.Rules;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;

namespace Opportunity.Core.Tests.Routing;

public sealed class RoutingRuleTests
{
    private static RoutingDecision Route(RoutingRuleSet rules, RoutingNetwork network, RoutingRequest? request = null, IPartnerLoad? load = null, PartnerPerformanceTable? performance = null) =>
        rules.Route(request ?? Request(), network, load, performance);

    [Fact]
    public void Territory_PostalPrefixAndWholeCountry_KeepsCoveringPartnersOnly()
    {
        var network = Network(
            Partner("P-munich", prefixes: ["80", "81"]),
            Partner("P-berlin", prefixes: ["10"]),
            Partner("P-de", prefixes: null),
            Partner("P-at", country: "AT"));
        var decision = Route(RoutingRuleSet.Create("t").InTerritory().PickRoundRobin().Build(), network);

        var source = decision.Trace.Steps[0];
        Assert.Equal("territory", source.Kind);
        Assert.Equal(4, source.CandidatesBefore);
        Assert.Equal(2, source.CandidatesAfter);
        Assert.Contains("2 of 4 partners cover DE 80331", source.Note.ToString(), StringComparison.Ordinal);
        Assert.Contains(decision.Partner!.Value.Value, new[] { "P-munich", "P-de" });
    }

    [Fact]
    public void Territory_AsFilterWhenNotSource_RemovesWithReason()
    {
        var rule = new TerritoryRule();
        var network = Network(Partner("P-berlin", prefixes: ["10"]));
        var context = new RoutingContext(Request(), network);
        var verdict = rule.Check(network[0], context);
        Assert.True(verdict.IsRemoved);
        Assert.Equal("territory does not cover 80331", verdict.Reason.ToString());
    }

    [Fact]
    public void Territory_LeadWithoutCountryMatchesNobody_Unroutable()
    {
        var network = Network(Partner("P-1"));
        var request = Request() with { Details = Request().Details with { Location = Opportunity.Leads.LeadLocation.Unknown } };
        var decision = Route(RoutingRuleSet.Create("t").InTerritory().Build(), network, request);
        Assert.Equal(RoutingOutcome.Unroutable, decision.Outcome);
        Assert.Equal("territory", decision.UnroutableAt);
        Assert.Contains("no country", decision.UnroutableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void GeoRadius_WidensUntilAPartnerSurvivesTheOtherFilters()
    {
        var lead = new GeoPoint(48.137, 11.575); // Munich
        var network = Network(
            Partner("P-near-full", location: new GeoPoint(48.2, 11.6), capacity: 1),       // ~7 km, at capacity
            Partner("P-augsburg", location: new GeoPoint(48.37, 10.9)),                    // ~56 km
            Partner("P-nuremberg", location: new GeoPoint(49.45, 11.08)));                 // ~151 km
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-near-full"), 1, null);
        var rules = RoutingRuleSet.Create("geo").WithinRadius(25, 50, 100, 200).WithinCapacity().Build();

        var decision = Route(rules, network, Request(point: lead), load);

        Assert.Equal("P-augsburg", decision.Partner!.Value.Value);
        var source = decision.Trace.Steps[0];
        Assert.Equal("geoRadius", source.Kind);
        Assert.Equal("2 partner(s) within 100 km", source.Note.ToString());
        Assert.Equal("at capacity (1 of 1 open leads)", decision.Trace.WhyRemoved(new PartnerId("P-near-full"))![(CapacityRule.KindName.Length + 2)..]);
    }

    [Fact]
    public void GeoRadius_NobodyWithinMaximum_UnroutableAtSource()
    {
        var network = Network(Partner("P-far", location: new GeoPoint(52.52, 13.40)));
        var decision = Route(RoutingRuleSet.Create("geo").WithinRadius(25, 50).Build(), network, Request(point: new GeoPoint(48.137, 11.575)));
        Assert.Equal(RoutingOutcome.Unroutable, decision.Outcome);
        Assert.Equal("geoRadius", decision.UnroutableAt);
        Assert.Equal("0 partner(s) within 50 km", decision.UnroutableReason);
    }

    [Fact]
    public void GeoRadius_AsFilter_RemovesDistantAndUnlocatedPartners()
    {
        var rule = new GeoRadiusRule([100]);
        var network = Network(Partner("P-berlin", location: new GeoPoint(52.52, 13.40)), Partner("P-nowhere"));
        var context = new RoutingContext(Request(point: new GeoPoint(48.137, 11.575)), network);
        Assert.Matches(@"^50\d\.\d km away, beyond 100 km$", rule.Check(network[0], context).Reason.ToString());
        Assert.Equal("the partner has no location", rule.Check(network[1], context).Reason.ToString());
    }

    [Fact]
    public void GeoRadius_NonIncreasingRadii_Throws() =>
        Assert.Throws<ArgumentException>(() => new GeoRadiusRule([50, 50]));

    [Fact]
    public void ProductLineLanguageCertificationTierActive_EachRemovesWithItsReason()
    {
        var network = Network(
            Partner("P-ok", tier: PartnerTier.Gold, certifications: ["F-Gas"]),
            Partner("P-product", products: ["solar"], tier: PartnerTier.Gold, certifications: ["F-Gas"]),
            Partner("P-language", languages: ["fr"], tier: PartnerTier.Gold, certifications: ["F-Gas"]),
            Partner("P-cert", tier: PartnerTier.Gold),
            Partner("P-tier", tier: PartnerTier.Silver, certifications: ["F-Gas"]),
            Partner("P-inactive", active: false, tier: PartnerTier.Gold, certifications: ["F-Gas"]));
        var rules = RoutingRuleSet.Create("all")
            .InTerritory().SellingProductLine().SpeakingLanguage()
            .Filter(new CertificationRule(byProductLine: new Dictionary<string, IReadOnlyList<string>> { ["heat-pumps"] = ["F-Gas"] }))
            .MinimumTier(PartnerTier.Gold)
            .Build();

        var decision = Route(rules, network);

        Assert.Equal("P-ok", decision.Partner!.Value.Value);
        Assert.Equal("productLine: does not sell 'heat-pumps'", decision.Trace.WhyRemoved(new PartnerId("P-product")));
        Assert.Equal("language: does not speak 'de'", decision.Trace.WhyRemoved(new PartnerId("P-language")));
        Assert.Equal("certification: lacks certification 'F-Gas'", decision.Trace.WhyRemoved(new PartnerId("P-cert")));
        Assert.Equal("minimumTier: tier Silver (level 1) is below level 2", decision.Trace.WhyRemoved(new PartnerId("P-tier")));
        Assert.Equal("active: inactive", decision.Trace.WhyRemoved(new PartnerId("P-inactive")));
    }

    [Fact]
    public void ExcludePrevious_IsImplicitAndRemovesPartnersThatRejected()
    {
        var network = Network(Partner("P-1"), Partner("P-2"));
        var rules = RoutingRuleSet.Create("x").InTerritory().Build();
        Assert.Equal(ExcludePreviousRule.KindName, rules.Filters[0].Kind);
        Assert.Equal(ActiveRule.KindName, rules.Filters[1].Kind);

        var decision = Route(rules, network, Request(excluded: "P-1"));
        Assert.Equal("P-2", decision.Partner!.Value.Value);
        Assert.Equal("excludePrevious: already rejected this lead or let it expire", decision.Trace.WhyRemoved(new PartnerId("P-1")));
    }

    [Fact]
    public void LoadBalancing_MostFreeCapacityWins()
    {
        var network = Network(Partner("P-busy", capacity: 10), Partner("P-free", capacity: 10), Partner("P-unlimited"));
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-busy"), 8, null);
        load.Set(new PartnerId("P-free"), 2, null);
        load.Set(new PartnerId("P-unlimited"), 50, null);
        var rules = RoutingRuleSet.Create("lb").InTerritory().WithinCapacity().ScoreByLoad().Build();

        var decision = Route(rules, network, load: load);

        var scores = decision.Trace.Find(LoadBalancingScorer.KindName)!.Value.Entries.ToDictionary(e => e.Partner.Id.Value, e => e.Value);
        Assert.Equal(0.2, scores["P-busy"], 10);
        Assert.Equal(0.8, scores["P-free"], 10);
        Assert.Equal(1.0, scores["P-unlimited"], 10);
        Assert.Equal("P-unlimited", decision.Partner!.Value.Value);
    }

    [Fact]
    public void Performance_SmallSamplesShrinkTowardTheNetwork()
    {
        var network = Network(Partner("P-lucky"), Partner("P-proven"), Partner("P-new"), Partner("P-poor"));
        var performance = new PartnerPerformanceTable(
        [
            new PartnerPerformance(new PartnerId("P-lucky"), 1.0, Duration.FromMinutes(30), 1.0, 2),
            new PartnerPerformance(new PartnerId("P-proven"), 0.9, Duration.FromHours(1), 0.5, 300),
            new PartnerPerformance(new PartnerId("P-poor"), 0.3, Duration.FromHours(10), 0.1, 300),
        ]);
        var scorer = new PerformanceScorer(priorStrength: 20);
        var context = new RoutingContext(Request(), network, performance: performance);

        var lucky = scorer.Score(network.Find(new PartnerId("P-lucky"))!, context);
        var proven = scorer.Score(network.Find(new PartnerId("P-proven"))!, context);
        var fresh = scorer.Score(network.Find(new PartnerId("P-new"))!, context);

        Assert.True(proven > lucky, $"proven {proven} should beat lucky {lucky}");
        Assert.True(lucky > fresh, $"lucky {lucky} should still beat a partner without data {fresh}");
        Assert.InRange(fresh, 0, 1);
    }

    [Fact]
    public void TierAndProximityScorers_ScoreInUnitRange()
    {
        var network = Network(Partner("P-gold", tier: PartnerTier.Gold, location: new GeoPoint(48.137, 11.575)), Partner("P-reg", tier: PartnerTier.Registered));
        var context = new RoutingContext(Request(point: new GeoPoint(48.137, 11.575)), network);
        Assert.Equal(0.75, new TierScorer().Score(network[0], context), 10);
        Assert.Equal(0.25, new TierScorer().Score(network[1], context), 10);
        Assert.Equal(1.0, new ProximityScorer(50).Score(network[0], context), 10);
        Assert.Equal(0.0, new ProximityScorer(50).Score(network[1], context), 10);
    }

    [Fact]
    public void HighestScore_TieGoesToThePartnerWaitingLongest()
    {
        var network = Network(Partner("P-a"), Partner("P-b"), Partner("P-c"));
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-a"), 0, Now - Duration.FromHours(1));
        load.Set(new PartnerId("P-b"), 0, Now - Duration.FromHours(5));
        load.Set(new PartnerId("P-c"), 0, Now - Duration.FromHours(2));
        var decision = Route(RoutingRuleSet.Create("h").InTerritory().ScoreByLoad().Build(), network, load: load);
        Assert.Equal("P-b", decision.Partner!.Value.Value);
        Assert.Contains("shared by 3 partners", decision.Trace.Steps[^1].Note.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RoundRobin_NeverAssignedFirstThenOldestAssignment()
    {
        var network = Network(Partner("P-a"), Partner("P-b"), Partner("P-c"));
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-a"), 0, Now - Duration.FromHours(1));
        load.Set(new PartnerId("P-c"), 0, Now - Duration.FromHours(9));
        var rules = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build();
        Assert.Equal("P-b", Route(rules, network, load: load).Partner!.Value.Value);
        load.RecordAssignment(new PartnerId("P-b"), Now);
        var second = Route(rules, network, load: load);
        Assert.Equal("P-c", second.Partner!.Value.Value);
        Assert.Equal("waited longest: last assignment 9 h before", second.Trace.Steps[^1].Note.ToString());
    }

    [Fact]
    public void WeightedRandom_SameSeedSameChoice_ZeroWeightNever()
    {
        var network = Network(Partner("P-gold", tier: PartnerTier.Gold), Partner("P-reg", tier: PartnerTier.Registered), Partner("P-silver"));
        var rules = RoutingRuleSet.Create("w").InTerritory()
            .PickWeightedRandomByTier(new Dictionary<string, double> { ["Gold"] = 3, ["Silver"] = 1, ["Registered"] = 0 })
            .Build();
        for (var seed = 0; seed < 200; seed++)
        {
            var first = Route(rules, network, Request(seed: seed));
            var again = Route(rules, network, Request(seed: seed));
            Assert.Equal(first.Partner, again.Partner);
            Assert.NotEqual("P-reg", first.Partner!.Value.Value);
            Assert.Equal(seed, first.Seed);
        }
    }

    [Fact]
    public void WeightedRandom_AllWeightsZero_Unroutable()
    {
        var network = Network(Partner("P-1"));
        var decision = Route(RoutingRuleSet.Create("w").InTerritory().PickWeightedRandomByScore().Build(), network);
        Assert.Equal(RoutingOutcome.Unroutable, decision.Outcome);
        Assert.Equal("weightedRandom", decision.UnroutableAt);
        Assert.Contains("no candidate has a positive weight", decision.UnroutableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Broadcast_OffersTopNByScore()
    {
        var network = Network(Partner("P-a", capacity: 10), Partner("P-b", capacity: 10), Partner("P-c", capacity: 10), Partner("P-d", capacity: 10));
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-a"), 9, null);
        load.Set(new PartnerId("P-b"), 1, null);
        load.Set(new PartnerId("P-c"), 5, null);
        load.Set(new PartnerId("P-d"), 3, null);
        var decision = Route(RoutingRuleSet.Create("b").InTerritory().ScoreByLoad().Broadcast(2).Build(), network, load: load);
        Assert.Equal(RoutingOutcome.Broadcast, decision.Outcome);
        Assert.Equal(["P-b", "P-d"], decision.Partners.Select(p => p.Value));
    }

    [Fact]
    public void Fallback_UsedWhenNobodyQualifies()
    {
        var network = Network(Partner("P-hq", country: "US"), Partner("P-berlin", prefixes: ["10"]));
        var decision = Route(RoutingRuleSet.Create("f").InTerritory().FallbackTo(new PartnerId("P-hq")).Build(), network);
        Assert.Equal(RoutingOutcome.Assigned, decision.Outcome);
        Assert.True(decision.UsedFallback);
        Assert.Equal("P-hq", decision.Partner!.Value.Value);
        Assert.Contains("fallback partner P-hq", decision.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void Route_ScorerReturningNaN_Throws()
    {
        var network = Network(Partner("P-1"));
        var rules = RoutingRuleSet.Create("bad").InTerritory().Score(new NaNScorer()).Build();
        var ex = Assert.Throws<InvalidOperationException>(() => Route(rules, network));
        Assert.Contains("'nan'", ex.Message, StringComparison.Ordinal);
    }

    private sealed class NaNScorer : IRoutingScorer
    {
        public string Kind => "nan";

        public string Description => "nan";

        public double Score(Partner partner, RoutingContext context) => double.NaN;
    }
}
