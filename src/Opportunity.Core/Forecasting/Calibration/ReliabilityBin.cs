namespace Opportunity.Forecasting;

/// <summary>One row of a reliability table: predictions in [<paramref name="Lower"/>, <paramref name="Upper"/>) and how often those deals were won.</summary>
/// <param name="Lower">Lower bound of predicted probability (inclusive).</param>
/// <param name="Upper">Upper bound (exclusive; the last bin includes 1).</param>
/// <param name="Count">Predictions in the bin.</param>
/// <param name="MeanPredicted">Mean predicted probability; null when empty.</param>
/// <param name="ObservedWinRate">Share of those predictions whose deal was won; null when empty.</param>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double? MeanPredicted, double? ObservedWinRate);
