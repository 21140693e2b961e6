namespace Opportunity.Forecasting;

/// <summary>
/// The exact totals of one group in one currency: how many deals, their amount, and their weighted
/// value (amount × probability). <see cref="Amount"/> is exact; <see cref="WeightedAmount"/> is the
/// exact weighted sum rounded once, half to even.
/// </summary>
/// <param name="First">The label of the first dimension's value; null for the grand total.</param>
/// <param name="Second">The label of the second dimension's value; null unless grouped by a pair.</param>
/// <param name="Currency">The currency of the sums.</param>
/// <param name="Count">Number of deals.</param>
/// <param name="AmountMinorUnits">Sum of amounts in minor units, exact.</param>
/// <param name="Weighted">Sum of weighted values, exact.</param>
public readonly record struct PipelineGroupTotal(string? First, string? Second, CurrencyCode Currency, long Count, Int128 AmountMinorUnits, WeightedValue Weighted)
{
    /// <summary>The group's key as one label: <c>First</c>, <c>First / Second</c>, or <c>Total</c>.</summary>
    public string Key => PipelineTotals.KeyOf(First, Second);

    /// <summary>The amount, exact.</summary>
    public Money Amount => ExactMath.ToMoney(AmountMinorUnits, Currency);

    /// <summary>The weighted amount rounded once, half to even, to the currency's minor unit.</summary>
    public Money WeightedAmount => Weighted.Round();
}
