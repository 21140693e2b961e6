namespace Opportunity.Forecasting;

/// <summary>How long deals stayed in a stage, over completed stays (a stay still running is not counted).</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Stays">Number of completed stays.</param>
/// <param name="MeanDays">Mean length in days; null without stays.</param>
/// <param name="MedianDays">Median length in days; null without stays.</param>
public sealed record StageDuration(string Stage, int Stays, double? MeanDays, double? MedianDays);
