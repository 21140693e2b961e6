using FsCheck.Xunit;
using NodaTime;
using Opportunity.Partners;
using Opportunity.Routing;
using Opportunity.Routing.Rules;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;

namespace Opportunity.Core.Tests.Routing;

/// <summary>
/// The built-in rules read the network's dense partner rows and the load table by network index;
/// these tests hold that path to the plain one (partner objects, load by id).
/// </summary>
public sealed class RoutingNetworkRowsTests
{
    private static readonly string[] Products = ["heat-pumps", "solar", "storage"];

    // Up to 40 partners with two of 200 rare product lines and languages each: more than 64 values, so some have no bit.
    [Property(MaxTest = 200)]
    public bool Route_RowsAndPartnerObjects_GiveTheSameDecisionAndTrace(int scenario)
    {
        var random = new Random(scenario);
        var partners = Enumerable.Range(0, random.Next(1, 40)).Select(i => RandomPartner(random, i)).ToArray();
        var network = Network(partners);
        var load = new PartnerLoadTable();
        var loaded = random.Next(2) == 0 ? partners : partners.Take(partners.Length / 5); // a large table gets a view by index, a small one not
        foreach (var p in loaded)
        {
            load.Set(p.Id, random.Next(0, 6), random.Next(3) == 0 ? null : Now - Duration.FromHours(random.Next(1, 50)));
        }

        var excluded = partners.Where(_ => random.Next(8) == 0).Select(p => p.Id.Value).ToArray();
        var product = random.Next(6) switch { 0 => null, 1 => "HEAT-PUMPS", 2 => "unknown-line", 3 => $"line-{random.Next(200)}", _ => Products[random.Next(3)] };
        var language = random.Next(5) switch { 0 => null, 1 => "DE", 2 => $"l{random.Next(200)}", _ => "de" };
        var request = Request(product: product, language: language, point: new GeoPoint(48 + random.NextDouble(), 11 + random.NextDouble()), seed: scenario, excluded: excluded);
        IRoutingSelector selector = random.Next(3) switch { 0 => new RoundRobinSelector(), 1 => new BroadcastSelector(3), _ => new HighestScoreSelector() };
        IRoutingFilter[] filters =
        [
            new ExcludePreviousRule(), new ActiveRule(), new ProductLineRule(), new LanguageRule(),
            new CertificationRule(["Installer"], new Dictionary<string, IReadOnlyList<string>> { ["heat-pumps"] = ["F-Gas"] }),
            new MinimumTierRule(PartnerTier.Silver), new GeoRadiusRule([60]), new CapacityRule(),
        ];
        IRoutingScorer[] scorers = [new LoadBalancingScorer(), new ProximityScorer(30), new TierScorer()];

        var rows = Build("rules", filters, scorers, selector).Route(request, network, load);
        var plain = Build("rules", [.. filters.Select(f => new PartnerOnlyFilter(f))], [.. scorers.Select(s => new PartnerOnlyScorer(s))], selector)
            .Route(request, network, new LoadById(load));

        return rows.Format() == plain.Format();
    }

    [Fact]
    public void Route_LoadTableChangedAfterADecision_NextDecisionSeesTheChange()
    {
        var network = Network(Partner("P-a", capacity: 2), Partner("P-b", capacity: 2));
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-a"), 0, null);
        load.Set(new PartnerId("P-b"), 1, null);
        var rules = RoutingRuleSet.Create("cap").InTerritory().WithinCapacity().ScoreByLoad().PickHighestScore().Build();
        Assert.Equal("P-a", rules.Route(Request(), network, load).Partner!.Value.Value);

        load.RecordAssignment(new PartnerId("P-a"), Now);
        load.RecordAssignment(new PartnerId("P-a"), Now);
        var decision = rules.Route(Request(), network, load);

        Assert.Equal("P-b", decision.Partner!.Value.Value);
        Assert.Equal("capacity: at capacity (2 of 2 open leads)", decision.Trace.WhyRemoved(new PartnerId("P-a")));
    }

    [Fact]
    public void ProductLine_MoreThan64LinesInTheNetwork_RareLineStillFound()
    {
        var partners = Enumerable.Range(0, 70).Select(i => Partner($"P-{i:00}", products: [$"line-{i:00}", "common"])).ToArray();
        var rules = RoutingRuleSet.Create("p").InTerritory().SellingProductLine().PickHighestScore().Build();

        var decision = rules.Route(Request(product: "LINE-69"), Network(partners));

        Assert.Equal("P-69", decision.Partner!.Value.Value);
        Assert.Equal(69, decision.Trace.Steps.Single(s => s.Kind == ProductLineRule.KindName).Entries.Count);
    }

    [Fact]
    public void ProductLine_PartnerSetWithItsOwnComparer_IsAskedItself()
    {
        var caseSensitive = Partner("P-exact") with { ProductLines = new HashSet<string>(["Heat-Pumps"], StringComparer.Ordinal) };
        var rules = RoutingRuleSet.Create("p").InTerritory().SellingProductLine().PickHighestScore().Build();

        var decision = rules.Route(Request(product: "heat-pumps"), Network(caseSensitive, Partner("P-default", products: ["Heat-Pumps"])));

        Assert.Equal("P-default", decision.Partner!.Value.Value);
        Assert.Equal("productLine: does not sell 'heat-pumps'", decision.Trace.WhyRemoved(new PartnerId("P-exact")));
    }

    private static RoutingRuleSet Build(string name, IRoutingFilter[] filters, IRoutingScorer[] scorers, IRoutingSelector selector)
    {
        var builder = RoutingRuleSet.Create(name).InTerritory();
        foreach (var filter in filters)
        {
            builder.Filter(filter);
        }

        foreach (var scorer in scorers)
        {
            builder.Score(scorer, 1.5);
        }

        return builder.Select(selector).Build();
    }

    private static Partner RandomPartner(Random random, int i)
    {
        var partner = Partner(
            $"P-{i:00}",
            prefixes: random.Next(3) == 0 ? null : [random.Next(2) == 0 ? "80" : "803"],
            tier: random.Next(4) switch { 0 => PartnerTier.Registered, 1 => PartnerTier.Silver, 2 => PartnerTier.Gold, _ => PartnerTier.Platinum },
            capacity: random.Next(3) == 0 ? null : random.Next(0, 5),
            active: random.Next(6) != 0,
            products: [.. Products.Where(_ => random.Next(2) == 0), $"line-{random.Next(200)}", $"line-{random.Next(200)}"],
            languages: [random.Next(3) == 0 ? "en" : "de", $"l{random.Next(200)}", $"l{random.Next(200)}"],
            certifications: [.. new[] { "Installer", "F-Gas", "installer" }.Where(_ => random.Next(2) == 0)],
            location: random.Next(5) == 0 ? null : new GeoPoint(48 + random.NextDouble(), 11 + random.NextDouble()));
        return random.Next(8) == 0
            ? partner with { Languages = new HashSet<string>(partner.Languages.Select(l => l.ToUpperInvariant()), StringComparer.Ordinal) }
            : partner;
    }

    /// <summary>A built-in filter seen only through the public interface, i.e. checked on the partner object.</summary>
    private sealed class PartnerOnlyFilter(IRoutingFilter inner) : IRoutingFilter
    {
        public string Kind => inner.Kind;

        public string Description => inner.Description;

        public FilterVerdict Check(Partner partner, RoutingContext context) => inner.Check(partner, context);
    }

    private sealed class PartnerOnlyScorer(IRoutingScorer inner) : IRoutingScorer
    {
        public string Kind => inner.Kind;

        public string Description => inner.Description;

        public double Score(Partner partner, RoutingContext context) => inner.Score(partner, context);
    }

    /// <summary>Load read by partner id only.</summary>
    private sealed class LoadById(IPartnerLoad inner) : IPartnerLoad
    {
        public int OpenLeads(PartnerId partner) => inner.OpenLeads(partner);

        public Instant? LastAssignedAt(PartnerId partner) => inner.LastAssignedAt(partner);
    }
}
