using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// Views of the pipeline that credit parts of a deal rather than whole deals: by product (the
/// deal's line items) and by split party (the deal's credit splits). Like the snapshot they take
/// the open deals (and the won ones when asked), weight by the deal's probability (won deals at
/// 100 %) and keep every sum exact, per currency, in <see cref="PipelineGroupTotal"/>s ordered by
/// label, then role, then currency; round with <see cref="PipelineGroupTotal.WeightedAmount"/>.
/// </summary>
public static class PipelineCredits
{
    /// <summary>The group of deals without lines.</summary>
    public const string NoProduct = PipelineDictionaries.NoneLabel;

    /// <summary>
    /// The weighted pipeline by product: each of a deal's <see cref="ProductAmount"/>s (its lines of
    /// one product summed) contributes its amount × the deal's probability to its product (First;
    /// Second is null); a deal without lines contributes its whole amount to <see cref="NoProduct"/>.
    /// Count is the number of deals with a line of that product. Because a deal's lines sum to its
    /// amount, the products of one deal add up exactly to its weighted value (in exact units, minor
    /// units × basis points, no rounding is needed). The same figures as
    /// <c>PipelineSnapshot.Group(PipelineDimension.Product)</c> and the stores' push-down.
    /// </summary>
    public static IReadOnlyList<PipelineGroupTotal> ByProduct(IEnumerable<SalesOpportunity> opportunities, bool includeClosedWon = false)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        var groups = new Dictionary<(string, string?, CurrencyCode), Sums>();
        foreach (var deal in Selected(opportunities, includeClosedWon))
        {
            var bp = BasisPoints(deal);
            if (deal.Lines.Count == 0)
            {
                Add(groups, (NoProduct, null, deal.Amount.Currency), deal.Amount.MinorUnits, (Int128)deal.Amount.MinorUnits * bp, countDeal: true);
                continue;
            }

            foreach (var part in ProductAmount.Of(deal))
            {
                Add(groups, (part.Product, null, deal.Amount.Currency), part.AmountMinorUnits, (Int128)part.AmountMinorUnits * bp, countDeal: true);
            }
        }

        return Ordered(groups);
    }

    /// <summary>
    /// The weighted pipeline credited by split: each split party (First) in its role (Second, the
    /// <see cref="SplitRole"/> name) is credited its share of the deal's amount and weighted value;
    /// a deal without splits credits all to its partner as <see cref="SplitRole.Partner"/>. The
    /// shares of one deal are allocated by the largest-remainder method in exact units (minor units,
    /// and minor units × basis points), so they add up exactly to the deal's amount and weighted
    /// value: no unit is lost or created by splitting.
    /// </summary>
    public static IReadOnlyList<PipelineGroupTotal> BySplit(IEnumerable<SalesOpportunity> opportunities, bool includeClosedWon = false)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        var groups = new Dictionary<(string, string?, CurrencyCode), Sums>();
        foreach (var deal in Selected(opportunities, includeClosedWon))
        {
            var currency = deal.Amount.Currency;
            var minor = deal.Amount.MinorUnits;
            var weighted = (Int128)minor * BasisPoints(deal);
            if (deal.Splits.Count == 0)
            {
                Add(groups, (deal.Partner.Value, nameof(SplitRole.Partner), currency), minor, weighted, countDeal: true);
                continue;
            }

            var shares = deal.Splits.Select(s => s.BasisPoints).ToArray();
            var amounts = LargestRemainder(minor, shares);
            var credits = LargestRemainder(weighted, shares);
            for (var i = 0; i < shares.Length; i++)
            {
                var split = deal.Splits[i];
                Add(groups, (split.Party, split.Role.ToString(), currency), (long)amounts[i], credits[i], countDeal: true);
            }
        }

        return Ordered(groups);
    }

    /// <summary>
    /// Splits <paramref name="total"/> (not negative) in the proportions <paramref name="basisPoints"/>
    /// (summing to 10,000) by the largest-remainder method: every part gets ⌊total × share ÷ 10,000⌋,
    /// and the units left over go one each to the parts with the largest remainders (ties to the
    /// earlier part). The parts add up to <paramref name="total"/> exactly.
    /// </summary>
    internal static Int128[] LargestRemainder(Int128 total, IReadOnlyList<int> basisPoints)
    {
        var parts = new Int128[basisPoints.Count];
        var remainders = new Int128[basisPoints.Count];
        var left = total;
        for (var i = 0; i < parts.Length; i++)
        {
            (parts[i], remainders[i]) = Int128.DivRem(total * basisPoints[i], Probability.Scale);
            left -= parts[i];
        }

        foreach (var i in Enumerable.Range(0, parts.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)left))
        {
            parts[i]++;
        }

        return parts;
    }

    private static IEnumerable<SalesOpportunity> Selected(IEnumerable<SalesOpportunity> opportunities, bool includeClosedWon) =>
        opportunities.Where(d => !d.IsClosed || (includeClosedWon && d.Stage.Kind == StageKind.Won));

    private static int BasisPoints(SalesOpportunity deal) => deal.Stage.Kind == StageKind.Won ? Probability.Scale : deal.Probability.BasisPoints;

    private static void Add(Dictionary<(string, string?, CurrencyCode), Sums> groups, (string, string?, CurrencyCode) key, long amount, Int128 weighted, bool countDeal)
    {
        var sums = groups.TryGetValue(key, out var found) ? found : default;
        groups[key] = new Sums(sums.Count + (countDeal ? 1 : 0), sums.Amount + amount, sums.Weighted + weighted);
    }

    private static PipelineGroupTotal[] Ordered(Dictionary<(string First, string? Second, CurrencyCode Currency), Sums> groups) =>
        [.. groups
            .OrderBy(g => g.Key.First, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Second is { } role ? (int)Enum.Parse<SplitRole>(role) : 0)
            .ThenBy(g => g.Key.Currency.Code, StringComparer.Ordinal)
            .Select(g => new PipelineGroupTotal(g.Key.First, g.Key.Second, g.Key.Currency, g.Value.Count, g.Value.Amount, new WeightedValue(g.Key.Currency, g.Value.Weighted)))];

    private readonly record struct Sums(long Count, Int128 Amount, Int128 Weighted);
}
