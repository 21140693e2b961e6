using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>One forecast category of a <see cref="ForecastRollup"/>: its deals' count, amount and weighted amount in the rollup's currency.</summary>
/// <param name="Category">The category.</param>
/// <param name="Count">Number of deals.</param>
/// <param name="Amount">Sum of amounts, converted once and rounded once.</param>
/// <param name="Weighted">Sum of weighted amounts, converted once and rounded once.</param>
public sealed record ForecastCategoryLine(ForecastCategory Category, long Count, Money Amount, Money Weighted);
