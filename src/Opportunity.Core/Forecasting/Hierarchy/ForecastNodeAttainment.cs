namespace Opportunity.Forecasting;

/// <summary>
/// A node's forecast against its quota: <see cref="Attainment"/> = closed ÷ target;
/// <see cref="Coverage"/> = open pipeline ÷ remaining target (the classic "3× coverage", with
/// adjustments); <see cref="WeightedCoverage"/> = open weighted ÷ remaining. Remaining = target −
/// closed, at least zero; both coverages are null when nothing remains.
/// </summary>
/// <param name="Node">The node's figures.</param>
/// <param name="Target">The node's target.</param>
/// <param name="Attainment">Closed ÷ target; null for a zero target.</param>
/// <param name="Remaining">Target − closed, at least zero.</param>
/// <param name="Coverage">Open pipeline (adjusted) ÷ remaining; null when nothing remains.</param>
/// <param name="WeightedCoverage">Open weighted ÷ remaining; null when nothing remains.</param>
public sealed record ForecastNodeAttainment(ForecastNodeRollup Node, SalesTarget Target, decimal? Attainment, Money Remaining, decimal? Coverage, decimal? WeightedCoverage);
