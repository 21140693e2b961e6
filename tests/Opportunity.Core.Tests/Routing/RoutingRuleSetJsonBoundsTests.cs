using System.Diagnostics;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Opportunity.Routing;
using Opportunity.Routing.Json;
using Opportunity.Routing.Rules;

namespace Opportunity.Core.Tests.Routing;

/// <summary>Issue 11 #11: every list and number bounded; nulls, duplicate keys and lone surrogates refused with their $.path.</summary>
public sealed class RoutingRuleSetJsonBoundsTests
{
    [Fact]
    public void FromJson_MillionRadiusSteps_RefusedAtTheDocumentBoundQuickly()
    {
        var radii = string.Join(",", Enumerable.Range(1, 1_000_000).Select(i => (i * 0.00002).ToString("R", CultureInfo.InvariantCulture)));
        var json = $$"""{ "name": "x", "filters": [ { "kind": "geoRadius", "radiiKm": [{{radii}}] } ] }""";
        var watch = Stopwatch.StartNew();

        var result = RoutingRuleSet.FromJson(json);

        Assert.False(result.IsValid);
        Assert.Equal("$", Assert.Single(result.Errors).Location); // the document itself is over the size bound
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void FromJson_MoreListItemsThanTheBound_RefusedAtTheListPath()
    {
        var radii = string.Join(",", Enumerable.Range(1, RoutingRuleSetLimits.MaxItems + 1));
        var result = RoutingRuleSet.FromJson($$"""{ "name": "x", "filters": [ { "kind": "geoRadius", "radiiKm": [{{radii}}] } ] }""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.filters[0].radiiKm", error.Location);
        Assert.Contains("at most 64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_MoreRadiusStepsThanGeoRadiusAllows_RefusedAtRadiiPath()
    {
        var radii = string.Join(",", Enumerable.Range(1, GeoRadiusRule.MaxSteps + 1));
        var result = RoutingRuleSet.FromJson($$"""{ "name": "x", "filters": [ { "kind": "geoRadius", "radiiKm": [{{radii}}] } ] }""");

        Assert.Equal("$.filters[0].radiiKm", Assert.Single(result.Errors).Location);
        Assert.True(RoutingRuleSet.FromJson($$"""{ "name": "x", "filters": [ { "kind": "geoRadius", "radiiKm": [{{string.Join(",", Enumerable.Range(1, GeoRadiusRule.MaxSteps))}}] } ] }""").IsValid);
    }

    [Fact]
    public void GeoRadiusRule_MoreStepsThanMax_ThrowsNamingRadii()
    {
        Assert.Equal("radiiKm", Assert.Throws<ArgumentException>(() => new GeoRadiusRule(Enumerable.Range(1, GeoRadiusRule.MaxSteps + 1).Select(i => (double)i))).ParamName);
    }

    [Fact]
    public void FromJson_TooManyFilters_RefusedAtFilters()
    {
        var filters = string.Join(",", Enumerable.Repeat("""{ "kind": "active" }""", RoutingRuleSetLimits.MaxItems + 1));
        Assert.Equal("$.filters", Assert.Single(RoutingRuleSet.FromJson($$"""{ "name": "x", "filters": [{{filters}}] }""").Errors).Location);
    }

    [Theory]
    [InlineData("""{ "name": "x", "scorers": [ { "kind": "loadBalancing", "weight": null } ] }""", "$.scorers[0].weight")]
    [InlineData("""{ "name": "x", "selector": null }""", "$.selector")]
    [InlineData("""{ "name": "x", "version": null }""", "$.version")]
    [InlineData("""{ "name": "x", "filters": [ null ] }""", "$.filters[0]")]
    [InlineData("""{ "name": "x", "scorers": [ { "kind": "tier", "weights": { "Gold": null } } ] }""", "$.scorers[0].weights.Gold")]
    public void FromJson_Null_RefusedAtItsPath(string json, string path)
    {
        var error = Assert.Single(RoutingRuleSet.FromJson(json).Errors);
        Assert.Equal(path, error.Location);
        Assert.Contains("null", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "name": "a", "name": "b" }""", "$.name")]
    [InlineData("""{ "name": "x", "scorers": [ { "kind": "loadBalancing", "weight": 1, "weight": 5 } ] }""", "$.scorers[0].weight")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "territory", "kind": "capacity" } ] }""", "$.filters[0].kind")]
    [InlineData("""{ "name": "x", "scorers": [ { "kind": "tier", "weights": { "Gold": 1, "Gold": 2 } } ] }""", "$.scorers[0].weights.Gold")]
    public void FromJson_DuplicateKey_RefusedAtItsPath(string json, string path)
    {
        var error = Assert.Single(RoutingRuleSet.FromJson(json).Errors);
        Assert.Equal(path, error.Location);
        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "name": "\ud800" }""", "$.name")]
    [InlineData("""{ "name": "x", "fallbackPartner": "P\udfff" }""", "$.fallbackPartner")]
    [InlineData("""{ "name": "x", "filters": [ { "kind": "certification", "required": ["ok", "\udc00x"] } ] }""", "$.filters[0].required[1]")]
    [InlineData("""{ "name": "x", "\ud800": 1 }""", "$ (property 2)")]
    [InlineData("""{ "name": "a\u0000b" }""", "$.name")]
    public void FromJson_LoneSurrogateOrControlEscape_ReturnsErrorAtItsPath(string json, string path)
    {
        Assert.Equal(path, Assert.Single(RoutingRuleSet.FromJson(json).Errors).Location);
    }

    [Fact]
    public void FromJson_UnescapedLoneSurrogateInTheText_ReturnsErrorWithLineAndColumn()
    {
        var result = RoutingRuleSet.FromJson("{\n  \"name\": \"a\uD800\" }");

        Assert.Equal("$ (line 2, column 13)", Assert.Single(result.Errors).Location);
    }

    [Fact]
    public void FromJson_NestedDeeperThanTheBound_ReturnsMalformedError()
    {
        var deep = new string('[', RoutingRuleSetLimits.MaxDepth + 1) + new string(']', RoutingRuleSetLimits.MaxDepth + 1);
        var error = Assert.Single(RoutingRuleSet.FromJson($$"""{ "name": "x", "filters": {{deep}} }""").Errors);
        Assert.StartsWith("$ (line 1", error.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_LongString_RefusedAtItsPath()
    {
        var error = Assert.Single(RoutingRuleSet.FromJson($$"""{ "name": "{{new string('n', RoutingRuleSetLimits.MaxStringLength + 1)}}" }""").Errors);
        Assert.Equal("$.name", error.Location);
    }

    [Fact]
    public void FromJson_WellFormedNonAsciiName_IsKept()
    {
        Assert.Equal("Müller ☃ 𝄞 東京", RoutingRuleSet.FromJson("""{ "name": "Müller ☃ 𝄞 東京", "filters": [ { "kind": "territory" } ] }""").Value.Name);
    }

    // Arbitrary text, JSON-shaped text over the rule vocabulary, and mutations of a valid rule set:
    // FromJson returns a ValidationResult and never throws. The counterexample FsCheck reports is the
    // seed; FromJson_Fuzz(seed) replays it.
    [Property(MaxTest = 3000)]
    public void FromJson_ArbitraryText_NeverThrows(int seed) => FromJson_Fuzz(seed);

    [Property(MaxTest = 500)]
    public Property FromJson_ArbitraryString_NeverThrows() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), text =>
        {
            var result = RoutingRuleSet.FromJson(text.Get);
            return result.IsValid || result.Errors.Count > 0;
        });

    [Fact]
    public void FromJson_Fuzz_FixedSeeds_NeverThrow()
    {
        for (var seed = 0; seed < 2000; seed++)
        {
            FromJson_Fuzz(seed);
        }
    }

    private static void FromJson_Fuzz(int seed)
    {
        var random = new Random(seed);
        var text = random.Next(3) switch
        {
            0 => RandomText(random),
            1 => new JsonFuzz(random).Document(),
            _ => Mutate(RoutingRuleSetJsonTests.FullExample, random),
        };
        ValidationResult<RoutingRuleSet> result;
        try
        {
            result = RoutingRuleSet.FromJson(text);
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"seed {seed}: FromJson threw {ex.GetType().Name}: {ex.Message}\n{text}");
        }

        Assert.True(result.IsValid || result.Errors.Count > 0, $"seed {seed}");
    }

    private const string TextChars = "{}[]\":,0123456789-.eEtrufalsn \\u";
    private const string MutationChars = "{}[]\":,-0\\ nul\ud800\u0000";

    private static string RandomText(Random random)
    {
        var chars = new char[random.Next(0, 60)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(4) == 0 ? (char)random.Next(0, 0x10000) : TextChars[random.Next(TextChars.Length)];
        }

        return new string(chars);
    }

    private static string Mutate(string json, Random random)
    {
        var builder = new StringBuilder(json);
        for (var n = random.Next(1, 4); n > 0 && builder.Length > 0; n--)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0: builder.Remove(at, Math.Min(random.Next(1, 8), builder.Length - at)); break;
                case 1: builder.Insert(at, MutationChars[random.Next(MutationChars.Length)]); break;
                case 2: builder.Insert(at, JsonFuzz.Tokens[random.Next(JsonFuzz.Tokens.Length)]); break;
                default: builder.Length = at; break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Random JSON over the rule-set vocabulary: right and wrong kinds, parameters, types, nulls, duplicates, escapes, huge numbers.</summary>
    private sealed class JsonFuzz(Random random)
    {
        internal static readonly string[] Tokens =
        [
            "null", "true", "1e400", "-1e400", "1e-400", "-0", "0", "1", "20038", "20039", "1000000", "1000001", "2147483648", "-1", "0.5",
            "\"\"", "\" \"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"Gold\"", "\"tier\"", "\"score\"", "\"skip\"", "\"exclude\"",
            "\"P-HQ\"", "\"L\\u200B1\"", "\"Müller ☃ 𝄞\"", "[]", "{}",
        ];

        private static readonly string[] Keys =
        [
            "name", "version", "filters", "scorers", "selector", "fallbackPartner", "kind", "weight", "radiiKm", "whenLeadHasNoPoint",
            "required", "byProductLine", "tier", "level", "halfScoreKm", "weights", "acceptanceWeight", "speedWeight", "conversionWeight",
            "targetHoursToAccept", "priorStrength", "count", "by", "tierWeights", "\\ud800", "x",
        ];

        private static readonly string[] Kinds =
        [
            "territory", "geoRadius", "productLine", "language", "active", "capacity", "excludePrevious", "certification", "minimumTier",
            "loadBalancing", "proximity", "tier", "performance", "highestScore", "roundRobin", "broadcast", "weightedRandom", "nope",
        ];

        public string Document()
        {
            var builder = new StringBuilder("{");
            var count = random.Next(0, 6);
            for (var i = 0; i < count; i++)
            {
                builder.Append(i > 0 ? "," : string.Empty).Append('"').Append(Keys[random.Next(6)]).Append("\":");
                Value(builder, 0);
            }

            return builder.Append('}').ToString();
        }

        private void Value(StringBuilder builder, int depth)
        {
            switch (depth > 5 ? 0 : random.Next(6))
            {
                case 0:
                    builder.Append(Tokens[random.Next(Tokens.Length)]);
                    break;
                case 1:
                    builder.Append('"').Append(Kinds[random.Next(Kinds.Length)]).Append('"');
                    break;
                case 2 or 3:
                    builder.Append('[');
                    for (var i = random.Next(0, 5); i > 0; i--)
                    {
                        Value(builder, depth + 1);
                        builder.Append(i > 1 ? "," : string.Empty);
                    }

                    builder.Append(']');
                    break;
                default:
                    builder.Append("{\"kind\":\"").Append(Kinds[random.Next(Kinds.Length)]).Append('"');
                    for (var i = random.Next(0, 4); i > 0; i--)
                    {
                        builder.Append(",\"").Append(Keys[random.Next(Keys.Length)]).Append("\":");
                        Value(builder, depth + 1);
                    }

                    builder.Append('}');
                    break;
            }
        }
    }
}
