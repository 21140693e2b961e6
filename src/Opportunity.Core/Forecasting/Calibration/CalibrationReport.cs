namespace Opportunity.Forecasting;

/// <summary>
/// How well a set of probabilities predicted outcomes. Each closed deal contributes one prediction
/// per open stage it entered (the probability the model gave in that stage) and its outcome
/// (won = 1, lost = 0). <see cref="Brier"/> = mean of (p − outcome)², lower is better;
/// <see cref="BrierSkill"/> = 1 − Brier ÷ Brier of always predicting the base rate (above 0 beats
/// that). The reliability table bins predictions by probability and shows the observed win rate
/// per bin: a calibrated model's rates match its predictions.
/// </summary>
/// <param name="Name">Which probabilities, e.g. <c>defaults</c> or <c>learned</c>.</param>
/// <param name="Predictions">Number of (deal, stage) predictions.</param>
/// <param name="Brier">Brier score; null without predictions.</param>
/// <param name="BaseRate">Share of predictions whose deal was won.</param>
/// <param name="BrierSkill">Skill against always predicting <see cref="ReferenceRate"/>; null without a reference rate or when undefined.</param>
/// <param name="Reliability">The reliability table.</param>
public sealed record CalibrationReport(string Name, int Predictions, double? Brier, double? BaseRate, double? BrierSkill, IReadOnlyList<ReliabilityBin> Reliability)
{
    /// <summary>Mean log loss (natural log; a prediction of 0% or 100% counts as one basis point from certain); null without predictions.</summary>
    public double? LogLoss { get; init; }

    /// <summary>The rate skill is measured against: the base rate of the training deals (known before the evaluated deals closed); null when none was given.</summary>
    public double? ReferenceRate { get; init; }
}
