namespace Opportunity.Forecasting;

/// <summary>
/// A target (quota) for a period: for the whole network, one partner, or one region (or a
/// partner within a region). The amount's currency is the currency the forecast is reported in.
/// </summary>
public sealed record SalesTarget
{
    /// <summary>Creates a target.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is negative.</exception>
    public SalesTarget(ForecastPeriod period, Money amount)
    {
        if (amount.IsNegative)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "A target must not be negative.");
        }

        Period = period;
        Amount = amount;
    }

    /// <summary>The period.</summary>
    public ForecastPeriod Period { get; }

    /// <summary>The target amount.</summary>
    public Money Amount { get; }

    /// <summary>The partner the target is for; null for all partners.</summary>
    public PartnerId? Partner { get; init; }

    /// <summary>The region the target is for; null for all regions.</summary>
    public string? Region { get; init; }

    /// <summary>The forecast tree's node the target (quota) is for (<see cref="ForecastNodePath"/>); null when it is not a node's.</summary>
    public string? Node { get; init; }

    /// <summary>Who the target is for, e.g. <c>network</c>, <c>partner P1</c>, <c>region DE-South</c>, <c>node network/region:EMEA</c>.</summary>
    public string Scope => ForecastScope.Of(this).ToString();
}
