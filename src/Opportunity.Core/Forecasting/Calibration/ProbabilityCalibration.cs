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
    /// prediction per open stage each deal entered. Without a reference rate there is no honest
    /// skill (the evaluated deals' own base rate is hindsight), so <see cref="CalibrationReport.BrierSkill"/>
    /// is null; use the overload with the training base rate.
    /// </summary>
    /// <param name="name">A label for the report.</param>
    /// <param name="histories">Deals; open ones are ignored.</param>
    /// <param name="model">The probability the model gives a deal in a stage.</param>
    /// <param name="bins">Number of equal-width bins of the reliability table (1..100). Default 10.</param>
    public static CalibrationReport Evaluate(string name, IEnumerable<OpportunityHistory> histories, Func<OpportunityHistory, Stage, Probability> model, int bins = 10) =>
        Score(name, histories, model, null, bins);

    /// <summary>
    /// Scores <paramref name="model"/> like <see cref="Evaluate(string, IEnumerable{OpportunityHistory}, Func{OpportunityHistory, Stage, Probability}, int)"/>,
    /// with <see cref="CalibrationReport.BrierSkill"/> measured against always predicting
    /// <paramref name="referenceRate"/> — the base rate of the deals the model learned from
    /// (<see cref="BaseRate"/>), which a forecaster could have known in advance.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="referenceRate"/> is not in [0, 1], or <paramref name="bins"/> not in 1..100.</exception>
    public static CalibrationReport Evaluate(string name, IEnumerable<OpportunityHistory> histories, Func<OpportunityHistory, Stage, Probability> model, double referenceRate, int bins)
    {
        if (double.IsNaN(referenceRate) || referenceRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(referenceRate), referenceRate, "A reference rate is a probability.");
        }

        return Score(name, histories, model, referenceRate, bins);
    }

    /// <summary>
    /// The base rate of <paramref name="histories"/>: the share of (closed deal, open stage entered)
    /// predictions whose deal was won; null without closed deals. The reference for skill.
    /// </summary>
    public static double? BaseRate(IEnumerable<OpportunityHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        long predictions = 0, won = 0;
        foreach (var h in histories.Where(h => h.Outcome != StageKind.Open))
        {
            var n = h.OpenStagesEntered().Count();
            predictions += n;
            won += h.Outcome == StageKind.Won ? n : 0;
        }

        return predictions == 0 ? null : won / (double)predictions;
    }

    private static CalibrationReport Score(string name, IEnumerable<OpportunityHistory> histories, Func<OpportunityHistory, Stage, Probability> model, double? referenceRate, int bins)
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
            return new CalibrationReport(name, 0, null, null, null, table) { ReferenceRate = referenceRate };
        }

        var brier = predictions.Average(x => (x.P - x.Won) * (x.P - x.Won));
        var baseRate = predictions.Average(x => x.Won);
        double? skill = null;
        if (referenceRate is { } r)
        {
            var reference = predictions.Average(x => (r - x.Won) * (r - x.Won));
            skill = reference == 0 ? null : 1 - (brier / reference);
        }

        return new CalibrationReport(name, predictions.Count, brier, baseRate, skill, table)
        {
            LogLoss = predictions.Average(x => -Math.Log(Math.Clamp(x.Won == 1 ? x.P : 1 - x.P, LogLossFloor, 1))),
            ReferenceRate = referenceRate,
        };
    }

    /// <summary>A prediction of 0% or 100% is scored in the log loss as one basis point from certain, so one miss costs ln(10⁴) ≈ 9.2, not infinity.</summary>
    private const double LogLossFloor = 1e-4;

    /// <summary>
    /// Learns probabilities on the deals that closed first and scores both the definition's defaults
    /// and the learned probabilities on the deals that closed last (<paramref name="holdoutShare"/>
    /// of them, by close time), so the learned ones get no credit for having seen the answers.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holdoutShare"/> not in (0, 1).</exception>
    public static CalibrationComparison Compare(IEnumerable<OpportunityHistory> histories, PipelineDefinition pipeline, LearnedProbabilityOptions? options = null, double holdoutShare = 0.3, int bins = 10)
    {
        var (training, evaluation) = TimeSplit(histories, pipeline, holdoutShare);
        var learned = LearnedProbabilities.Learn(training, pipeline, options);
        var reference = BaseRate(training) ?? 0.5;
        return new CalibrationComparison(
            Evaluate("defaults", evaluation, (_, stage) => stage.DefaultProbability, reference, bins),
            Evaluate("learned", evaluation, learned.For, reference, bins),
            learned,
            training.Count,
            evaluation.Count);
    }

    /// <summary>
    /// The time split of <see cref="Compare"/> for three models: the definition's defaults, the
    /// stage-only learned rates and the feature model (<see cref="FeatureProbabilities"/>), all
    /// learned on the deals that closed first with the same <see cref="FeatureModelOptions.Counting"/>
    /// and scored on the last <paramref name="holdoutShare"/>, skill against the training base rate;
    /// plus, per feature, the stage model with that feature alone and the full model without it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holdoutShare"/> not in (0, 1), or an option out of range.</exception>
    public static ProbabilityModelComparison CompareModels(IEnumerable<OpportunityHistory> histories, PipelineDefinition pipeline, FeatureModelOptions? options = null, double holdoutShare = 0.3, int bins = 10)
    {
        options ??= new FeatureModelOptions();
        var (training, evaluation) = TimeSplit(histories, pipeline, holdoutShare);
        var reference = BaseRate(training) ?? 0.5;
        var model = FeatureProbabilities.Learn(training, pipeline, options);
        var contributions = new List<FeatureContribution>();
        foreach (var feature in DealFeatureValues.Each.Where(f => options.Features.HasFlag(f)))
        {
            var alone = FeatureProbabilities.Learn(training, pipeline, options with { Features = feature });
            var without = FeatureProbabilities.Learn(training, pipeline, options with { Features = options.Features & ~feature });
            contributions.Add(new FeatureContribution(
                feature,
                Evaluate($"stage + {feature}", evaluation, alone.For, reference, bins),
                Evaluate($"features - {feature}", evaluation, without.For, reference, bins)));
        }

        return new ProbabilityModelComparison(
            Evaluate("defaults", evaluation, (_, stage) => stage.DefaultProbability, reference, bins),
            Evaluate("stage-only", evaluation, model.Stages.For, reference, bins),
            Evaluate("features", evaluation, model.For, reference, bins),
            model,
            training.Count,
            evaluation.Count,
            contributions);
    }

    /// <summary>The closed deals of <paramref name="pipeline"/> by close time (then id): the first ones to learn from, the last <paramref name="holdoutShare"/> to score.</summary>
    internal static (List<OpportunityHistory> Training, List<OpportunityHistory> Evaluation) TimeSplit(IEnumerable<OpportunityHistory> histories, PipelineDefinition pipeline, double holdoutShare)
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
        return (closed.Take(split).ToList(), closed.Skip(split).ToList());
    }
}
