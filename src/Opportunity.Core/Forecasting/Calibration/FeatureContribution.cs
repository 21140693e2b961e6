namespace Opportunity.Forecasting;

/// <summary>
/// What one feature contributes on the held-out deals: the scores of the stage model plus this
/// feature alone, and of the full model without it. A feature helps when <see cref="BrierWithout"/>
/// is above the full model's Brier.
/// </summary>
/// <param name="Feature">The feature.</param>
/// <param name="Alone">Scores of the stage model plus only this feature.</param>
/// <param name="Without">Scores of the model with every other feature.</param>
public sealed record FeatureContribution(DealFeatures Feature, CalibrationReport Alone, CalibrationReport Without)
{
    /// <summary>Brier of the stage model plus this feature; null without predictions.</summary>
    public double? BrierAlone => Alone.Brier;

    /// <summary>Brier of the model without this feature; null without predictions.</summary>
    public double? BrierWithout => Without.Brier;
}
