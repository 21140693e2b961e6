namespace Opportunity.Forecasting;

/// <summary>What one feature value adds to a deal's log-odds of winning, on top of its stage's rate.</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Value">The value, e.g. a partner id, <c>month 3</c> or <c>EUR 2/4</c>.</param>
/// <param name="Weight">Log-odds added (0 for an unseen value; positive raises the probability).</param>
/// <param name="Rows">Training (deal, stage) rows with the value.</param>
public sealed record FeatureWeight(DealFeatures Feature, string Value, double Weight, int Rows);
