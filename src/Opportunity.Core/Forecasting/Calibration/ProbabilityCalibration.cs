using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// Checks probabilities against outcomes (Brier score and reliability table), and compares the
/// pipeline's configured defaults with learned probabilities on deals the learning did not see,
/// so a user can tell which forecast to trust.
/// </summary>
public static class ProbabilityCalibration
{
    /// <summary>
    /// Scores <paramref name="model"/> on the closed deals of <paramref name="histories"/>: one
    /// prediction per open stage each deal entered.
    /// </summary>
    /// <param name="name">A label for the report.</param>
    /// <param name="histories">Deals; open ones are ignored.</param>
    /// <param name="model">The probability the model gives a deal in a stage.</param>
    /// <param name="bins">Number of equal-width bins of the reliability table (1..100). Default 10.</param>
    public static CalibrationReport Evaluate(string name, IEnumerable<OpportunityHistory> histories, Func<OpportunityHistory, Stage, Probability> model, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bins, 100);
        var predictions = new List<(double P, int Won)>();
        foreach (var h in histories.Where(h => h.Outcome != StageKind.Open))
        {
            var won = h.Outcome == StageKind.Won ? 1 : 0;
            foreach (var stage in h.OpenStagesEntered())
            {
                predictions.Add((model(h, stage).ToDouble(), won));
            }
        }

        var table = new List<ReliabilityBin>();
        for (var b = 0; b < bins; b++)
        {
            var lower = b / (double)bins;
            var upper = (b + 1) / (double)bins;
            var inBin = predictions.Where(x => x.P >= lower && (x.P < upper || (b == bins - 1 && x.P <= 1))).ToList();
            table.Add(new ReliabilityBin(lower, upper, inBin.Count, inBin.Count == 0 ? null : inBin.Average(x => x.P), inBin.Count == 0 ? null : inBin.Average(x => x.Won)));
        }

        if (predictions.Count == 0)
        {
            return new CalibrationReport(name, 0, null, null, null, table);
        }

        var brier = predictions.Average(x => (x.P - x.Won) * (x.P - x.Won));
        var baseRate = predictions.Average(x => x.Won);
        var reference = predictions.Average(x => (baseRate - x.Won) * (baseRate - x.Won));
        return new CalibrationReport(name, predictions.Count, brier, baseRate, reference == 0 ? null : 1 - (brier / reference), table);
    }

    /// <summary>
    /// Learns probabilities on the deals that closed first and scores both the definition's defaults
    /// and the learned probabilities on the deals that closed last (<paramref name="holdoutShare"/>
    /// of them, by close time), so the learned ones get no credit for having seen the answers.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holdoutShare"/> not in (0, 1).</exception>
    public static CalibrationComparison Compare(IEnumerable<OpportunityHistory> histories, PipelineDefinition pipeline, LearnedProbabilityOptions? options = null, double holdoutShare = 0.3, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(pipeline);
        if (double.IsNaN(holdoutShare) || holdoutShare is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(holdoutShare), holdoutShare, "The holdout share is between 0 and 1 (exclusive).");
        }

        var closed = histories.Where(h => h.Pipeline.Id == pipeline.Id && h.Outcome != StageKind.Open)
            .OrderBy(h => h.ClosedAt).ThenBy(h => h.Id).ToList();
        var split = closed.Count - (int)Math.Round(closed.Count * holdoutShare, MidpointRounding.ToEven);
        var training = closed.Take(split).ToList();
        var evaluation = closed.Skip(split).ToList();
        var learned = LearnedProbabilities.Learn(training, pipeline, options);
        return new CalibrationComparison(
            Evaluate("defaults", evaluation, (_, stage) => stage.DefaultProbability, bins),
            Evaluate("learned", evaluation, learned.For, bins),
            learned,
            training.Count,
            evaluation.Count);
    }
}
