using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.HistoryTestData;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class ProbabilityCalibrationTests
{
    [Fact]
    public void Evaluate_ByHand_BrierAndReliability()
    {
        // Won deal: predictions 0.1 (Qualification), 0.5 (Proposal), 0.8 (Negotiation), outcome 1.
        // Lost deal: 0.1 (Qualification), outcome 0.
        // Brier = (0.81 + 0.25 + 0.04 + 0.01) ÷ 4 = 0.2775.
        var deals = new[]
        {
            Path("won", ("Qualification", 0), ("Proposal", 10), ("Negotiation", 20), ("Closed won", 30)),
            Path("lost", ("Qualification", 0), ("Closed lost", 5)),
        };

        var report = ProbabilityCalibration.Evaluate("defaults", deals, (_, stage) => stage.DefaultProbability);

        Assert.Equal(4, report.Predictions);
        Assert.Equal(0.2775, report.Brier!.Value, 10);
        Assert.Equal(0.75, report.BaseRate!.Value, 10);
        var bin = report.Reliability[1]; // [0.1, 0.2)
        Assert.Equal((2, 0.1, 0.5), (bin.Count, bin.MeanPredicted!.Value, bin.ObservedWinRate!.Value));
        Assert.Equal(10, report.Reliability.Count);
    }

    [Fact]
    public void Compare_DefaultsThatAreWrong_LearnedScoresBetterOnHeldOutDeals()
    {
        // True P(win | stage): Qualification 0.105, Needs analysis 0.21, Proposal 0.35, Negotiation 0.5 —
        // the defaults (10/20/50/80%) are right early and too optimistic late.
        var deals = Closed(8, 6_000, [0.5, 0.6, 0.7, 0.5]);

        var comparison = ProbabilityCalibration.Compare(deals, PipelineDefinition.Default);

        Assert.Equal((4_200, 1_800), (comparison.TrainingDeals, comparison.EvaluationDeals));
        Assert.True(comparison.Learned.Brier < comparison.Defaults.Brier, $"learned {comparison.Learned.Brier} vs defaults {comparison.Defaults.Brier}");
        Assert.Same(comparison.Learned, comparison.Better);
    }

    [Fact]
    public void Compare_HoldoutOutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProbabilityCalibration.Compare([], PipelineDefinition.Default, holdoutShare: 1));
}
