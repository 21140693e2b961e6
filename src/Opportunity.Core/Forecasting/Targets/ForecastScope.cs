namespace Opportunity.Forecasting;

/// <summary>
/// Who a <see cref="SalesTarget"/> or a <see cref="ForecastSnapshot"/> is for: the whole network
/// (<see cref="Network"/>, the default), one partner, one region, a partner within a region, or a
/// node of a <see cref="ForecastHierarchy"/> (<see cref="Node"/>). The stores key targets and
/// snapshots by period and scope.
/// </summary>
/// <param name="Partner">The partner; null for all partners.</param>
/// <param name="Region">The region; null for all regions.</param>
public readonly record struct ForecastScope(PartnerId? Partner = null, string? Region = null)
{
    /// <summary>The path of a forecast tree's node (<see cref="ForecastNodePath"/>); null when the scope is not a node.</summary>
    public string? Node { get; init; }

    /// <summary>The whole partner network.</summary>
    public static ForecastScope Network => default;

    /// <summary>The scope of <paramref name="target"/>.</summary>
    public static ForecastScope Of(SalesTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new(target.Partner, target.Region) { Node = target.Node };
    }

    /// <summary>The scope of <paramref name="snapshot"/>.</summary>
    public static ForecastScope Of(ForecastSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.Partner, snapshot.Region) { Node = snapshot.Node };
    }

    /// <summary>The node at <paramref name="path"/> of a forecast tree.</summary>
    public static ForecastScope OfNode(string path) => new() { Node = path };

    /// <summary>E.g. <c>network</c>, <c>partner P1</c>, <c>region DE-South</c>, <c>partner P1 in region FR</c>, <c>node network/region:EMEA</c>.</summary>
    public override string ToString() => (Partner, Region, Node) switch
    {
        (null, null, { } n) => $"node {n}",
        (_, _, { } n) => $"{this with { Node = null }} at node {n}",
        (null, null, _) => "network",
        ({ } p, null, _) => $"partner {p}",
        (null, { } r, _) => $"region {r}",
        ({ } p, { } r, _) => $"partner {p} in region {r}",
    };
}
