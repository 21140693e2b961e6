using Opportunity.Partners;
using Opportunity.Routing;
using Opportunity.Routing.Json;
using Opportunity.Routing.Rules;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;

namespace Opportunity.Core.Tests.Routing;

public sealed class RoutingRuleSetJsonTests
{
    internal const string FullExample = """
        {
          // Lead routing for Germany, Austria and Switzerland.
          "name": "dach-default",
          "version": "2025-03",
          "filters": [
            { "kind": "geoRadius", "radiiKm": [25, 50, 100, 200], "whenLeadHasNoPoint": "skip" },
            { "kind": "territory" },
            { "kind": "excludePrevious" },
            { "kind": "active" },
            { "kind": "productLine" },
            { "kind": "language" },
            { "kind": "certification", "required": ["Installer"], "byProductLine": { "heat-pumps": ["F-Gas"] } },
            { "kind": "minimumTier", "tier": "Silver" },
            { "kind": "capacity" }
          ],
          "scorers": [
            { "kind": "loadBalancing", "weight": 1 },
            { "kind": "performance", "weight": 2, "acceptanceWeight": 1, "speedWeight": 0.5, "conversionWeight": 2, "targetHoursToAccept": 4, "priorStrength": 10 },
            { "kind": "tier", "weight": 0.5, "weights": { "Silver": 1, "Gold": 2, "Platinum": 3 } },
            { "kind": "proximity", "weight": 1, "halfScoreKm": 30 }
          ],
          "selector": { "kind": "weightedRandom", "by": "score" },
          "fallbackPartner": "P-HQ",
        }
        """;

    [Fact]
    public void FromJson_FullExample_BuildsEveryRule()
    {
        var result = RoutingRuleSet.FromJson(FullExample);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var rules = result.Value;
        Assert.Equal("dach-default", rules.Name);
        Assert.Equal("2025-03", rules.Version);
        Assert.Equal(
            ["geoRadius", "territory", "excludePrevious", "active", "productLine", "language", "certification", "minimumTier", "capacity"],
            rules.Filters.Select(f => f.Kind));
        Assert.Equal([1, 2, 0.5, 1], rules.Scorers.Select(s => s.Weight));
        Assert.Equal("weightedRandom", rules.Selector.Kind);
        Assert.Equal("P-HQ", rules.FallbackPartner!.Value.Value);
        Assert.Equal([25.0, 50, 100, 200], ((GeoRadiusRule)rules.Filters[0]).RadiiKm);
        Assert.Equal(PartnerTier.Silver.Level, ((MinimumTierRule)rules.Filters[7]).MinimumLevel);
    }

    [Fact]
    public void FromJson_RoutesLikeTheSameRuleSetBuiltInCode()
    {
        var json = RoutingRuleSet.FromJson("""{ "name": "x", "filters": [ { "kind": "territory" }, { "kind": "capacity" } ], "scorers": [ { "kind": "loadBalancing" } ] }""").Value;
        var code = RoutingRuleSet.Create("x").InTerritory().WithinCapacity().ScoreByLoad().Build();
        var network = Network(Partner("P-1", capacity: 3), Partner("P-2", capacity: 3));
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-1"), 2, null);
        Assert.Equal(code.Route(Request(), network, load).Format(), json.Route(Request(), network, load).Format());
    }

    [Theory]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "geoRadius", "radiiKm": [25, -1] } ] }""", "$.filters[0].radiiKm[1]", "must be a number between")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "geoRadius" } ] }""", "$.filters[0].radiiKm", "is required")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "geoRadius", "radiiKm": [50, 25] } ] }""", "$.filters[0].radiiKm", "strictly increasing")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "territory" }, { "kind": "teritory" } ] }""", "$.filters[1].kind", "unknown filter kind 'teritory'")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "loadBalancing" } ] }""", "$.filters[0].kind", "'loadBalancing' is not a filter; it belongs under 'scorers'")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "capacity", "max": 3 } ] }""", "$.filters[0].max", "unknown parameter of rule 'capacity'")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "minimumTier", "tier": "Diamond" } ] }""", "$.filters[0].tier", "not a predefined tier")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "minimumTier" } ] }""", "$.filters[0]", "exactly one of")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "certification" } ] }""", "$.filters[0]", "needs 'required' or 'byProductLine'")]
    [InlineData("""{ "name": "x", "filters": [ 3 ] }""", "$.filters[0]", "must be a JSON object")]
    [InlineData("""{ "name": "x", "filters": [ { } ] }""", "$.filters[0].kind", "is required")]
    [InlineData("""{ "name": "x", "filters": { } }""", "$.filters", "must be an array")]
    [InlineData("""{ "name": "x", "scorers": [ { "kind": "loadBalancing", "weight": -2 } ] }""", "$.scorers[0].weight", "must be a number between 0")]
    [InlineData("""{ "name": "x", "scorers": [ { "kind": "tier", "weights": { "Gold": "high" } } ] }""", "$.scorers[0].weights.Gold", "must be a number")]
    [InlineData("""{ "name": "x", "selector": { "kind": "broadcast", "count": 0 } }""", "$.selector.count", "whole number between 1 and 64")]
    [InlineData("""{ "name": "x", "selector": { "kind": "weightedRandom", "by": "luck" } }""", "$.selector.by", "must be 'score' or 'tier'")]
    [InlineData("""{ "name": "x", "selector": { "kind": "territory" } }""", "$.selector.kind", "belongs under 'filters'")]
    [InlineData("""{ "filters": [] }""", "$.name", "is required")]
    [InlineData("""{ "name": "x", "fallbackPartner": "has space" }""", "$.fallbackPartner", "white space")]
    [InlineData("""{ "name": "x", "filter": [] }""", "$.filter", "unknown property")]
    [InlineData("""[ ]""", "$", "must be a JSON object")]
    [InlineData("{ \"name\": \"x\",\n  \"filters\": [ { \"kind\": } ] }", "$ (line 2, byte 26)", "malformed JSON")]
    public void FromJson_BadDocument_ErrorNamesTheJsonPath(string json, string location, string message)
    {
        var result = RoutingRuleSet.FromJson(json);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Location == location && e.Message.Contains(message, StringComparison.Ordinal));
        var thrown = Assert.Throws<InputValidationException>(() => result.Value);
        Assert.Contains(location, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_SeveralProblems_AllReported()
    {
        var result = RoutingRuleSet.FromJson("""{ "filters": [ { "kind": "nope" }, { "kind": "capacity", "x": 1 } ], "selector": { "kind": "broadcast" } }""");
        Assert.Equal(
            new[] { "$.filters[0].kind", "$.filters[1].x", "$.name", "$.selector.count" }.Order(StringComparer.Ordinal),
            result.Errors.Select(e => e.Location).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Catalog_CustomRuleKind_LoadsWithItsParameters()
    {
        var catalog = new RoutingRuleCatalog().AddFilter("namePrefix", p =>
        {
            var prefix = p.GetString("prefix", required: true);
            return prefix is null ? null : new NamePrefixFilter(prefix);
        });
        var good = RoutingRuleSet.FromJson("""{ "name": "x", "filters": [ { "kind": "namePrefix", "prefix": "Partner P-2" } ] }""", catalog);
        var bad = RoutingRuleSet.FromJson("""{ "name": "x", "filters": [ { "kind": "namePrefix" } ] }""", catalog);

        Assert.Equal("P-2", good.Value.Route(Request(), Network(Partner("P-1"), Partner("P-2"))).Partner!.Value.Value);
        Assert.Equal("$.filters[0].prefix", Assert.Single(bad.Errors).Location);
        Assert.Throws<InvalidOperationException>(() => RoutingRuleCatalog.Default.AddFilter("x", _ => null));
        Assert.Throws<InvalidOperationException>(() => new RoutingRuleCatalog().AddScorer("territory", _ => null));
    }

    private sealed class NamePrefixFilter(string prefix) : IRoutingFilter
    {
        public string Kind => "namePrefix";

        public string Description => $"namePrefix {prefix}";

        public FilterVerdict Check(Partner partner, RoutingContext context) =>
            partner.Name.StartsWith(prefix, StringComparison.Ordinal) ? FilterVerdict.Keep : FilterVerdict.Remove("name does not start with '{2}'", text: prefix);
    }
}
