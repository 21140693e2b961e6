using FsCheck;
using FsCheck.Xunit;
using NodaTime;
using Opportunity.Partners;
using Opportunity.Routing;
using Opportunity.Routing.Replay;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;

namespace Opportunity.Core.Tests.Routing;

public sealed class RoutingPropertyTests
{
    private static readonly RoutingRuleSet[] RuleSets =
    [
        RoutingRuleSet.Create("hs").InTerritory().SellingProductLine().SpeakingLanguage().WithinCapacity().ScoreByLoad().Build(),
        RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().WithinCapacity().PickRoundRobin().Build(),
        RoutingRuleSet.Create("wr").InTerritory().WithinCapacity().ScoreByLoad().ScoreByTier().PickWeightedRandomByScore().Build(),
        RoutingRuleSet.Create("bc").InTerritory().SellingProductLine().WithinCapacity().ScoreByLoad().Broadcast(3).Build(),
    ];

    [Property(MaxTest = 300)]
    public bool Route_NeverPicksAFilteredOutOrAtCapacityPartner(int scenario)
    {
        var random = new Random(scenario);
        var load = new PartnerLoadTable();
        var partners = Enumerable.Range(0, random.Next(1, 25)).Select(i =>
        {
            var p = Partner(
                $"P-{i:00}",
                prefixes: random.Next(3) == 0 ? null : [random.Next(2) == 0 ? "80" : "10"],
                capacity: random.Next(3) == 0 ? null : random.Next(0, 4),
                active: random.Next(5) != 0,
                products: random.Next(4) == 0 ? ["solar"] : ["heat-pumps"],
                languages: random.Next(4) == 0 ? ["fr"] : ["de"]);
            load.Set(p.Id, random.Next(0, 5), null);
            return p;
        }).ToArray();
        var network = Network(partners);
        var excluded = partners.Where(_ => random.Next(6) == 0).Select(p => p.Id.Value).ToArray();
        var rules = RuleSets[random.Next(RuleSets.Length)];

        var decision = rules.Route(Request(seed: scenario, excluded: excluded), network, load);

        return decision.Partners.All(id =>
        {
            var p = network.Find(id)!;
            return p.IsActive
                && !excluded.Contains(id.Value)
                && (p.Capacity is null || load.OpenLeads(id) < p.Capacity)
                && p.Territories.Any(t => t.Covers(new CountryCode("DE"), "80331"))
                && (rules.Name == "wr" || p.ProductLines.Contains("heat-pumps"));
        });
    }

    [Property(MaxTest = 10)]
    public bool WeightedRandom_ConvergesToTheWeights(int baseSeed)
    {
        // Tier weights 1 : 2 : 3 ⇒ expected shares 1/6, 2/6, 3/6. Chi-square with 2 degrees of freedom;
        // 27.63 is the 1 − 10⁻⁶ quantile, so a correct sampler fails this bound about once in a million.
        var network = Network(Partner("P-reg", tier: PartnerTier.Registered), Partner("P-silver", tier: PartnerTier.Silver), Partner("P-gold", tier: PartnerTier.Gold));
        var rules = RoutingRuleSet.Create("w").InTerritory()
            .PickWeightedRandomByTier(new Dictionary<string, double> { ["Registered"] = 1, ["Silver"] = 2, ["Gold"] = 3 })
            .Build();
        const int draws = 6000;
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < draws; i++)
        {
            var seed = RoutingRequest.DeriveSeed(baseSeed, new LeadId($"L-{i}"), 0);
            var partner = rules.Route(Request(seed: seed), network).Partner!.Value.Value;
            counts[partner] = counts.GetValueOrDefault(partner) + 1;
        }

        var expected = new Dictionary<string, double> { ["P-reg"] = draws / 6.0, ["P-silver"] = draws * 2 / 6.0, ["P-gold"] = draws * 3 / 6.0 };
        var chiSquare = expected.Sum(kv => Math.Pow(counts.GetValueOrDefault(kv.Key) - kv.Value, 2) / kv.Value);
        return chiSquare < 27.63;
    }

    [Property(MaxTest = 100)]
    public bool RoundRobin_GivesEachEligiblePartnerATurn(PositiveInt size, int scenario)
    {
        var random = new Random(scenario);
        var eligible = (size.Get % 12) + 1;
        var partners = Enumerable.Range(0, eligible).Select(i => Partner($"P-{i:00}"))
            .Concat([Partner("P-inactive", active: false), Partner("P-elsewhere", prefixes: ["10"])])
            .ToArray();
        var initial = new PartnerLoadTable();
        foreach (var p in partners)
        {
            if (random.Next(2) == 0)
            {
                initial.Set(p.Id, 0, Now - Duration.FromHours(random.Next(1, 100)));
            }
        }

        var rules = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build();
        var leads = Enumerable.Range(0, eligible * 3).Select(i => Request(lead: $"L-{i}", now: Now + Duration.FromMinutes(i)));
        var report = RoutingReplay.Run(rules, Network(partners), leads, new ReplayOptions { InitialLoad = initial });

        // Three rounds: every eligible partner exactly three leads, nobody else any.
        return report.Partners.Count == eligible
            && report.Partners.All(p => p.Assigned == 3 && p.Partner.Value is not ("P-inactive" or "P-elsewhere"));
    }

    [Property(MaxTest = 100)]
    public bool Route_SameInputsAndSeed_SameDecision(int seed)
    {
        var network = Network(Enumerable.Range(0, 8).Select(i => Partner($"P-{i}", tier: i % 2 == 0 ? PartnerTier.Gold : PartnerTier.Silver)).ToArray());
        var rules = RuleSets[2];
        return rules.Route(Request(seed: seed), network).Format() == rules.Route(Request(seed: seed), network).Format();
    }
}
