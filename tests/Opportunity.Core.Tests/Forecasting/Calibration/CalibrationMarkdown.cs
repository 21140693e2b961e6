using System.Globalization;
using System.Text;
using Opportunity.Forecasting;

namespace Opportunity.Core.Tests.Forecasting.Calibration;

/// <summary>Renders time-split comparisons as the Markdown tables of docs/forecasting.md (shared with the sample's figures test).</summary>
internal static class CalibrationMarkdown
{
    /// <summary>Scores of the three models under both stage countings, then the feature contributions and the reliability table of the default counting.</summary>
    public static string Render(ProbabilityModelComparison entered, ProbabilityModelComparison reached)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Training {entered.TrainingDeals} closed deals, scoring the next {entered.EvaluationDeals}; reference (training base rate) {F(entered.Features.ReferenceRate)}, evaluation base rate {F(entered.Features.BaseRate)}.\n\n");
        text.Append("| model | counting | predictions | Brier | log loss | skill |\n|---|---|--:|--:|--:|--:|\n");
        Line(text, entered.Defaults, "-");
        foreach (var (comparison, counting) in new[] { (entered, "entered"), (reached, "reached") })
        {
            Line(text, comparison.StageOnly, counting);
            Line(text, comparison.Features, counting);
        }

        text.Append("\n| feature | stage + feature: Brier | log loss | all but feature: Brier | log loss |\n|---|--:|--:|--:|--:|\n");
        foreach (var c in entered.Contributions)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {c.Feature} | {F(c.Alone.Brier)} | {F(c.Alone.LogLoss)} | {F(c.Without.Brier)} | {F(c.Without.LogLoss)} |\n");
        }

        text.Append("\n| predicted | defaults: n, mean → won | stage-only | features |\n|---|--:|--:|--:|\n");
        for (var b = 0; b < entered.Features.Reliability.Count; b++)
        {
            var bin = entered.Features.Reliability[b];
            text.Append(CultureInfo.InvariantCulture, $"| {bin.Lower:0.0}–{bin.Upper:0.0} | {Bin(entered.Defaults.Reliability[b])} | {Bin(entered.StageOnly.Reliability[b])} | {Bin(bin)} |\n");
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, CalibrationReport report, string counting) =>
        text.Append(CultureInfo.InvariantCulture, $"| {report.Name} | {counting} | {report.Predictions} | {F(report.Brier)} | {F(report.LogLoss)} | {F(report.BrierSkill)} |\n");

    private static string Bin(ReliabilityBin bin) =>
        bin.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{bin.Count}: {bin.MeanPredicted:0.00} → {bin.ObservedWinRate:0.00}");

    private static string F(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "–";
}
