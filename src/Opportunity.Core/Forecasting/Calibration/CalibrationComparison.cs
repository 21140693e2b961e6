namespace Opportunity.Forecasting;

/// <summary>The defaults and the learned probabilities scored on the same held-out deals.</summary>
/// <param name="Defaults">Report for the pipeline definition's default probabilities.</param>
/// <param name="Learned">Report for the learned probabilities.</param>
/// <param name="Model">The probabilities learned on the training deals.</param>
/// <param name="TrainingDeals">Closed deals learned from (the earlier ones).</param>
/// <param name="EvaluationDeals">Closed deals scored (the later ones).</param>
public sealed record CalibrationComparison(CalibrationReport Defaults, CalibrationReport Learned, LearnedProbabilities Model, int TrainingDeals, int EvaluationDeals)
{
    /// <summary>The report with the lower Brier score (the defaults on a tie or without data).</summary>
    public CalibrationReport Better => Learned.Brier < Defaults.Brier ? Learned : Defaults;
}
