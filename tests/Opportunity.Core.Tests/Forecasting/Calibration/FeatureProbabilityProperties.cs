using FsCheck.Xunit;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting.Calibration;

/// <summary>Invariants of the learned probabilities over generated deal sets (FsCheck).</summary>
public sealed class FeatureProbabilityProperties
{
    private static readonly Instant Start = Instant.FromUtc(2025, 1, 6, 9, 0);
    private static readonly PipelineDefinition Pipeline = PipelineDefinition.Default;

    // Size-band edges are quantiles of the training amounts, so one more deal can move the probe to
    // another band; monotone evidence holds for a fixed coding of the features.
    private static readonly FeatureModelOptions FixedCoding = new() { Features = DealFeatures.All & ~DealFeatures.SizeBand };

    [Property(MaxTest = 200)]
    public bool ShrunkRate_AnyCounts_EstimateInsideItsIntervalAndInZeroOne(byte won, byte lost, byte prior, byte strength)
    {
        var rate = ShrunkRate.Create(won, won + lost, prior / 255.0, 1 + strength);
        return rate.Estimate is >= 0 and <= 1 && rate.Lower <= rate.Estimate + 1e-12 && rate.Estimate <= rate.Upper + 1e-12;
    }

    [Property(MaxTest = 200)]
    public bool ShrunkRate_NoTrials_IsThePrior(byte prior, byte strength) =>
        Math.Abs(ShrunkRate.Create(0, 0, prior / 255.0, 1 + strength).Estimate - (prior / 255.0)) < 1e-12;

    [Property(MaxTest = 100)]
    public bool Learn_NoClosedDeals_EveryDealGetsItsStageDefault(byte[] codes)
    {
        var model = FeatureProbabilities.Learn([], Pipeline);
        return Deals(codes).All(h => Open(h).All(s => model.For(h, s) == s.DefaultProbability));
    }

    [Property(MaxTest = 100)]
    public bool Learn_NoFeatures_IsTheStageModel(byte[] codes)
    {
        var deals = Deals(codes);
        var model = FeatureProbabilities.Learn(deals, Pipeline, new FeatureModelOptions { Features = DealFeatures.None });
        return deals.All(h => Open(h).All(s => model.For(h, s) == model.Stages.For(s.Name)));
    }

    [Property(MaxTest = 100)]
    public bool Learn_SameDealsInAnyOrder_SameWeightsAndProbabilities(byte[] codes)
    {
        var deals = Deals(codes);
        var forward = FeatureProbabilities.Learn(deals, Pipeline);
        var backward = FeatureProbabilities.Learn(Enumerable.Reverse(deals), Pipeline);
        return forward.Weights.SequenceEqual(backward.Weights)
            && deals.All(h => Open(h).All(s => forward.For(h, s) == backward.For(h, s)));
    }

    [Property(MaxTest = 100)]
    public bool Learn_OneMoreWonDealLikeTheProbe_NeverLowersItsProbability(byte[] codes, byte probeCode)
    {
        var deals = Deals(codes);
        var probe = Deal(10_000, probeCode, won: true);
        var stage = Pipeline.OpenStages[0];
        var before = FeatureProbabilities.Learn(deals, Pipeline, FixedCoding).For(probe, stage);
        var after = FeatureProbabilities.Learn([.. deals, probe], Pipeline, FixedCoding).For(probe, stage);
        return after >= before;
    }

    [Property(MaxTest = 100)]
    public bool Learn_OneMoreLostDealLikeTheProbe_NeverRaisesItsProbability(byte[] codes, byte probeCode)
    {
        var deals = Deals(codes);
        var probe = Deal(10_000, probeCode, won: false);
        var stage = Pipeline.OpenStages[0];
        var before = FeatureProbabilities.Learn(deals, Pipeline, FixedCoding).For(probe, stage);
        var after = FeatureProbabilities.Learn([.. deals, probe], Pipeline, FixedCoding).For(probe, stage);
        return after <= before;
    }

    private static IEnumerable<Stage> Open(OpportunityHistory h) =>
        h.Stages.Select(c => Pipeline.GetStage(c.To)).Where(s => s.Kind == StageKind.Open);

    /// <summary>One closed deal per code: partner, lead source, close month and outcome from the code's bits.</summary>
    private static List<OpportunityHistory> Deals(byte[] codes) =>
        [.. (codes ?? []).Take(60).Select((c, n) => Deal(n, c, won: (c & 1) == 1))];

    private static OpportunityHistory Deal(int n, byte code, bool won)
    {
        var at = Start + Duration.FromDays(n);
        var days = 1 + (code >> 5);
        var closed = at + Duration.FromDays(days);
        return new OpportunityHistory(new OpportunityId($"G{n:00000}"), new PartnerId($"P{(code >> 1) & 3}"), new Money(1_000m * (1 + ((code >> 3) & 3)), CurrencyCode.EUR), Pipeline,
            [new StageChange(null, "Qualification", at, "u"), new StageChange("Qualification", won ? "Closed won" : "Closed lost", closed, "u")])
        {
            LeadSource = (code & 4) == 0 ? "web-form" : "referral",
            ExpectedClose = closed.InUtc().Date,
        };
    }
}
