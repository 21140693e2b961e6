namespace Opportunity.Forecasting;

/// <summary>
/// The stage defaults, the stage-only learned rates and the feature model, all learned on the
/// deals that closed first and scored on those that closed last, with skill against the training
/// base rate; and per feature, what it contributes.
/// </summary>
/// <param name="Defaults">The pipeline definition's default probabilities.</param>
/// <param name="StageOnly">The Beta-shrunk stage rates learned on the training deals (no segments).</param>
/// <param name="Features">The feature model learned on the training deals.</param>
/// <param name="Model">The feature model.</param>
/// <param name="TrainingDeals">Closed deals learned from (the earlier ones).</param>
/// <param name="EvaluationDeals">Closed deals scored (the later ones).</param>
/// <param name="Contributions">Per feature used, in <see cref="DealFeatures"/> order.</param>
public sealed record ProbabilityModelComparison(
    CalibrationReport Defaults,
    CalibrationReport StageOnly,
    CalibrationReport Features,
    FeatureProbabilities Model,
    int TrainingDeals,
    int EvaluationDeals,
    IReadOnlyList<FeatureContribution> Contributions)
{
    /// <summary>The report with the lowest Brier score (the earlier of defaults, stage-only, features on a tie).</summary>
    public CalibrationReport Better => new[] { Defaults, StageOnly, Features }.MinBy(r => r.Brier ?? double.MaxValue)!;
}
