using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Pipelines;

/// <summary>
/// One group of the weighted pipeline. The sums are exact integers: <see cref="AmountMinorUnits"/>
/// in minor units and <see cref="WeightedBasisPointMinorUnits"/> in minor units × basis points
/// (amount × probability with no rounding). <see cref="WeightedValue"/> rounds that once, half to
/// even, to the currency's minor unit — so any grouping of the same deals gives totals that agree
/// to the cent with the sum of its parts before rounding.
/// </summary>
/// <param name="Partner">The partner, when grouped by partner.</param>
/// <param name="Stage">The stage name, when grouped by stage.</param>
/// <param name="PeriodStart">The first day of the close period, when grouped by period.</param>
/// <param name="Currency">The currency of the group.</param>
/// <param name="Count">Number of opportunities.</param>
/// <param name="AmountMinorUnits">Sum of amounts in minor units.</param>
/// <param name="WeightedBasisPointMinorUnits">Sum of amount (minor units) × probability (basis points).</param>
public sealed record PipelineAggregateRow(
    PartnerId? Partner,
    string? Stage,
    LocalDate? PeriodStart,
    CurrencyCode Currency,
    long Count,
    Int128 AmountMinorUnits,
    Int128 WeightedBasisPointMinorUnits)
{
    /// <summary>The total amount, exact (any sum of up to 10^9 valid deals fits).</summary>
    /// <exception cref="AggregateOverflowException">The total is beyond the decimal range; names the group.</exception>
    public Money Amount => ToMoney(AmountMinorUnits, "amount");

    /// <summary>The weighted value, rounded once, half to even, to the minor unit.</summary>
    /// <exception cref="AggregateOverflowException">The total is beyond the decimal range; names the group.</exception>
    public Money WeightedValue => ToMoney(DivideHalfToEven(WeightedBasisPointMinorUnits, Probability.Scale), "weighted value");

    /// <summary>The group as text, e.g. <c>partner P-1, stage Proposal, currency EUR</c>.</summary>
    private string Group =>
        string.Join(", ", new[] { Partner is { } p ? $"partner {p}" : null, Stage is { } s ? $"stage {s}" : null, PeriodStart is { } d ? "period " + d.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null, $"currency {Currency.Code}" }.OfType<string>());

    private Money ToMoney(Int128 minorUnits, string what)
    {
        try
        {
            return Money.FromMinorUnits(minorUnits, Currency);
        }
        catch (OverflowException ex)
        {
            throw new AggregateOverflowException(Group, $"the {what} of {Count} deals, {minorUnits} minor units, is beyond the range of Money.", ex);
        }
    }

    /// <summary>
    /// The same aggregation in memory, for opportunities already loaded (and to check the database
    /// against): groups, sums exactly in 128-bit integers, and orders as the database does
    /// (partner, stage order within its pipeline, period, currency).
    /// </summary>
    public static IReadOnlyList<PipelineAggregateRow> Aggregate(IEnumerable<SalesOpportunity> opportunities, PipelineGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(grouping);
        var groups = new Dictionary<(string? Partner, string? Stage, LocalDate? Period, string Currency), (int StageIndex, long Count, Int128 Amount, Int128 Weighted)>();
        foreach (var o in opportunities)
        {
            if (o.IsClosed && !grouping.IncludeClosed)
            {
                continue;
            }

            var key = (grouping.ByPartner ? o.Partner.Value : null, grouping.ByStage ? o.Stage.Name : null, PeriodOf(o.ExpectedClose, grouping), o.Amount.Currency.Code);
            var minor = o.Amount.MinorUnits;
            var stageIndex = grouping.ByStage ? o.Definition.IndexOf(o.Stage.Name) : 0;
            groups[key] = groups.TryGetValue(key, out var g)
                ? (Math.Min(g.StageIndex, stageIndex), g.Count + 1, g.Amount + minor, g.Weighted + ((Int128)minor * o.Probability.BasisPoints))
                : (stageIndex, 1, minor, (Int128)minor * o.Probability.BasisPoints);
        }

        return [.. groups
            .OrderBy(kv => kv.Key.Partner, StringComparer.Ordinal)
            .ThenBy(kv => kv.Value.StageIndex)
            .ThenBy(kv => kv.Key.Stage, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Period)
            .ThenBy(kv => kv.Key.Currency, StringComparer.Ordinal)
            .Select(kv => new PipelineAggregateRow(
                kv.Key.Partner is null ? null : new PartnerId(kv.Key.Partner),
                kv.Key.Stage,
                kv.Key.Period,
                new CurrencyCode(kv.Key.Currency),
                kv.Value.Count,
                kv.Value.Amount,
                kv.Value.Weighted))];
    }

    /// <summary>The first day of the close period of <paramref name="date"/>, or null without period grouping.</summary>
    public static LocalDate? PeriodOf(LocalDate date, PipelineGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(grouping);
        var shift = grouping.FiscalYearStartMonth - 1;
        var shifted = date.PlusMonths(-shift);
        return grouping.Period switch
        {
            ClosePeriod.Month => new LocalDate(date.Year, date.Month, 1),
            ClosePeriod.Quarter => new LocalDate(shifted.Year, ((shifted.Month - 1) / 3 * 3) + 1, 1).PlusMonths(shift),
            ClosePeriod.Year => new LocalDate(shifted.Year, 1, 1).PlusMonths(shift),
            _ => null,
        };
    }

    private static Int128 DivideHalfToEven(Int128 value, int divisor)
    {
        var quotient = Int128.DivRem(value, divisor);
        var (q, r) = quotient;
        var twice = Int128.Abs(r) * 2;
        if (twice > divisor || (twice == divisor && !Int128.IsEvenInteger(q)))
        {
            q += Int128.Sign(value);
        }

        return q;
    }
}
