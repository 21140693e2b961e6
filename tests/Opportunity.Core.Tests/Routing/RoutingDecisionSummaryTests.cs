using Opportunity.Partners;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;
using Opportunity.Persistence;

namespace Opportunity.Core.Tests.Routing;

public sealed class RoutingDecisionSummaryTests
{
    private static readonly RoutingRuleSet Rules = RoutingRuleSet.Create("sample").Version("2026-Q3")
        .InTerritory().ActiveOnly().SellingProductLine().SpeakingLanguage().WithinCapacity()
        .ScoreByLoad().ScoreByTier(0.5).PickHighestScore().Build();

    /// <summary>Whatever the number of candidates, the stored summary stays a few hundred bytes: the full trace grows with every candidate, the summary keeps the best ten and grouped reasons.</summary>
    [Theory]
    [InlineData(10)]
    [InlineData(300)]
    [InlineData(5_000)]
    public void ToBytes_AnyNetworkSize_StaysBounded(int partners)
    {
        var network = Network([.. Enumerable.Range(0, partners).Select(i => Partner(
            $"P{i:00000}",
            tier: i % 3 == 0 ? PartnerTier.Gold : PartnerTier.Silver,
            capacity: 10,
            products: i % 5 == 0 ? ["solar"] : null,
            languages: i % 7 == 0 ? ["fr"] : null))]);
        var load = new PartnerLoadTable();
        for (var i = 0; i < partners; i++)
        {
            load.Set(new PartnerId($"P{i:00000}"), i % 11, null);
        }

        var decision = Rules.Route(Request(), network, load);
        var summary = RoutingDecisionSummary.Of(decision);
        var record = RoutingDecisionRecord.From(decision);

        Assert.InRange(summary.ToBytes().Length, 1, 768);
        Assert.InRange(record.Explanation.Length, 1, 2_000);
        Assert.Equal(Math.Min(10, summary.CandidatesScored), summary.TopCandidates.Count);
        Assert.Equal(decision.Partner, summary.TopCandidates[0].Partner);
        Assert.Equal(decision.Trace.Steps.Select(s => (s.Kind, s.CandidatesBefore, s.CandidatesAfter)), summary.Steps.Select(s => (s.Kind, s.CandidatesBefore, s.CandidatesAfter)));
    }

    [Fact]
    public void FromBytes_OfToBytes_GivesAnEqualSummaryAndTheSameExplanation()
    {
        var network = Network(Partner("P-1", capacity: 4), Partner("P-2", capacity: 4), Partner("P-full", capacity: 1), Partner("P-solar", products: ["solar"]), Partner("P-fr", country: "FR"));
        var load = new PartnerLoadTable();
        load.Set(new PartnerId("P-full"), 1, null);
        load.Set(new PartnerId("P-2"), 3, null);
        var decision = Rules.Route(Request(lead: "L-42", seed: 1234), network, load);
        var record = RoutingDecisionRecord.From(decision);

        var read = RoutingDecisionSummary.FromBytes(record.Summary!.ToBytes());
        var again = RoutingDecisionRecord.FromSummary(record.Lead, record.At, record.RuleSet, record.RuleSetVersion, record.Outcome, record.Partners, record.Seed, record.UnroutableReason, read);

        Assert.Equal(record.Summary, read);
        Assert.Equal(record.Explanation, again.Explanation);
        Assert.True(again.HasDerivedExplanation);
        Assert.Equal(
            """
            Routing of lead L-42 with rule set 'sample' (version 2026-Q3) at 2025-03-04T10:00:00Z, seed 1234
              1. source   territory: 5 → 4 — 4 of 5 partners cover DE 80331
              2. filter   excludePrevious: 4 → 4
              3. filter   active: 4 → 4
              4. filter   productLine: 4 → 3
                   P-solar: removed: does not sell 'heat-pumps'
              5. filter   language: 3 → 3
              6. filter   capacity: 3 → 2
                   P-full: removed: at capacity (1 of 1 open leads)
              7. scorer   loadBalancing ×1: 2 → 2
              8. scorer   tier Gold=3, Platinum=4, Registered=1, Silver=2 ×0.5: 2 → 2
              9. selector highestScore: 2 → 1 — highest total score 1.25
            Top 2 of 2 candidate(s), total = Σ weight × score (loadBalancing, tier):
                1. P-1: total 1.25 (1, 0.5), picked
                2. P-2: total 0.5 (0.25, 0.5)
            Result: assigned to P-1

            """.ReplaceLineEndings(),
            record.Explanation);
    }

    [Fact]
    public void Of_Unroutable_KeepsTheRuleThatEmptiedTheSet()
    {
        var network = Network(Partner("P-1", active: false), Partner("P-2", products: ["solar"]), Partner("P-3", products: ["solar"]));
        var decision = Rules.Route(Request(), network);
        var record = RoutingDecisionRecord.From(decision);

        Assert.Equal("productLine", record.Summary!.UnroutableAt);
        Assert.Empty(record.Summary.TopCandidates);
        Assert.Contains("P-2: removed: does not sell 'heat-pumps' (and 1 more for this reason)", record.Explanation, StringComparison.Ordinal);
        Assert.EndsWith($"Result: unroutable at 'productLine': {decision.UnroutableReason} → manufacturer queue{Environment.NewLine}", record.Explanation, StringComparison.Ordinal);
    }

    /// <summary>Format 1 (0.2.0 wrote it: the body deflated alone) is still read, and written again as format 2, which is smaller.</summary>
    [Fact]
    public void FromBytes_FormatOneOfAnEarlierVersion_ReadsAndIsWrittenSmallerAsFormatTwo()
    {
        // A routed lead's summary as 0.2.0 stored it (the storage scenario's lead L000102).
        var formatOne = Convert.FromHexString("012d8fb14ec33014456d13a1568098617a5b96024d930875c8004b178422ca0f58ce23b5e4c691fd5cd13f60646460e003fa91d8d0e549f7e85ddd7b0f82b1299b123aa7c9ba3d6307914105f60dcaf91c46e96840e741d91d3a787885e5b2282bc62ff15d99d061eb70a76df08c651963fc542ad23b3caab3d1d92e287ad2434282f1ac2deaf2bab3e861b0041e8d817c83926ec6b01d7d2ef8c4c8a10fb28f0611bbf18992a3549af6ff5a5c182bbb4719bf941e7af6f3cdff70461add5d3ab0b2a66bca19b446921ec2b6a966f082bdf67124764d3183b536714db3f87c4ede93f38dee37e869adac4bb1fcea08802c49033e71286ecbfb3a76106943c163f057c8da45bd4c1d3ef25f");

        var read = RoutingDecisionSummary.FromBytes(formatOne);
        var formatTwo = read.ToBytes();

        Assert.Equal(("territory", "highestScore"), (read.Steps[0].Kind, read.Steps[^1].Kind));
        Assert.Equal(["P151", "P259"], read.TopCandidates.Select(c => c.Partner.Value));
        Assert.Equal((1, 2), (formatOne[0], formatTwo[0]));
        Assert.True(formatTwo.Length < formatOne.Length * 2 / 3, $"{formatTwo.Length} bytes against {formatOne.Length}");
        Assert.Equal(read, RoutingDecisionSummary.FromBytes(formatTwo));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2 })]
    [InlineData(new byte[] { 3 })]
    [InlineData(new byte[] { 1, 5, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 7 })]
    public void FromBytes_TruncatedOrUnknownFormat_ThrowsFormatException(byte[] bytes)
    {
        Assert.Throws<FormatException>(() => RoutingDecisionSummary.FromBytes(bytes));
    }

    [Fact]
    public void Of_LongNote_IsCutWithoutSplittingASurrogatePair()
    {
        var longCountry = new string('x', 198) + "🚀🚀";
        var network = Network(Partner("P-1"));
        var decision = RoutingRuleSet.Create("x").InTerritory().Build().Route(Request(postal: longCountry), network);

        var note = RoutingDecisionSummary.Of(decision).Steps[0].Note;

        Assert.True(note.Length <= RoutingDecisionSummary.MaxTextLength, note);
        Assert.EndsWith("…", note, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(note[^2]));
    }
}
