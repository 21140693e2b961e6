namespace Opportunity.Forecasting;

/// <summary>
/// Who a <see cref="SalesTarget"/> or a <see cref="ForecastSnapshot"/> is for: the whole network
/// (<see cref="Network"/>, the default), one partner, one region, or a partner within a region. The
/// stores key targets and snapshots by period and scope.
/// </summary>
/// <param name="Partner">The partner; null for all partners.</param>
/// <param name="Region">The region; null for all regions.</param>
public readonly record struct ForecastScope(PartnerId? Partner = null, string? Region = null)
{
    /// <summary>The whole partner network.</summary>
    public static ForecastScope Network => default;

    /// <summary>The scope of <paramref name="target"/>.</summary>
    public static ForecastScope Of(SalesTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new(target.Partner, target.Region);
    }

    /// <summary>The scope of <paramref name="snapshot"/>.</summary>
    public static ForecastScope Of(ForecastSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.Partner, snapshot.Region);
    }

    /// <summary>E.g. <c>network</c>, <c>partner P1</c>, <c>region DE-South</c>, <c>partner P1 in region FR</c>.</summary>
    public override string ToString() => (Partner, Region) switch
    {
        (null, null) => "network",
        ({ } p, null) => $"partner {p}",
        (null, { } r) => $"region {r}",
        ({ } p, { } r) => $"partner {p} in region {r}",
    };
}
