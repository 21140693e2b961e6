using Opportunity.Forecasting;
using Opportunity.Pipelines;
using Xunit.Abstractions;

namespace Opportunity.Core.Tests.Forecasting.Calibration;

/// <summary>
/// The figures of docs/forecasting.md for the seeded synthetic deals where features matter
/// (<see cref="SyntheticDeals"/>, seed 2026, 4,000 deals). Prints the tables and fails when the docs differ.
/// </summary>
public sealed class SyntheticCalibrationFiguresTests(ITestOutputHelper output)
{
    [Fact]
    public void CompareModels_SyntheticDeals_MatchesTheFiguresInTheDocs()
    {
        var deals = SyntheticDeals.Generate(2026, 4_000);

        var entered = ProbabilityCalibration.CompareModels(deals, PipelineDefinition.Default);
        var reached = ProbabilityCalibration.CompareModels(deals, PipelineDefinition.Default, new FeatureModelOptions { Counting = StageCounting.Reached });
        var figures = CalibrationMarkdown.Render(entered, reached);
        output.WriteLine(figures);

        // The default counting is the one that scores better here.
        Assert.True(entered.Features.Brier < reached.Features.Brier, $"entered {entered.Features.Brier} vs reached {reached.Features.Brier}");
        Assert.Equal(figures, DocsFigures.Block("synthetic"));
    }
}
