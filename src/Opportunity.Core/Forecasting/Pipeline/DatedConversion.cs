using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// Reports with dated exchange rates (<see cref="ExchangeRateDating.CloseMonth"/>): the snapshot is
/// split by close month in one pass, each month is grouped by the ordinary aggregator (so the hot
/// per-deal loops are the same code as for every other report), and each group's exact
/// per-currency sums are converted at their month's rate, added in decimal and rounded once. A
/// group's figure therefore equals the rounded sum of its deals' exact conversions.
/// </summary>
internal static class DatedConversion
{
    public static PipelineReport Report(PipelineSnapshot snapshot, PipelineGrouping grouping, CurrencyCode currency, IExchangeRateProvider? rates)
    {
        var groups = new Dictionary<(int First, int Second), (string Key, List<Part> Parts)>();
        var total = new List<Part>();
        foreach (var (rateDate, month) in ByMonth(snapshot))
        {
            using var totals = month.Group(grouping);
            for (var i = 0; i < totals.Groups.Count; i++)
            {
                var entry = totals.Groups[i];
                var codes = totals.KeyCodes(i);
                if (!groups.TryGetValue(codes, out var group))
                {
                    groups[codes] = group = (entry.Key, []);
                }

                group.Parts.Add(new Part(entry, rateDate));
            }

            total.AddRange(totals.CurrencyTotals.Select(t => new Part(t, rateDate)));
        }

        // Code order is display order (see PipelineDictionaries), as in PipelineTotals.
        var lines = groups.OrderBy(g => g.Key.First).ThenBy(g => g.Key.Second)
            .Select(g => Line(g.Value.Key, g.Value.Parts, currency, rates)).ToList();
        return new PipelineReport(currency, grouping, lines, Line(PipelineTotals.TotalLabel, total, currency, rates));
    }

    /// <summary>The first day of each close month that has deals, with the snapshot of those deals (same dictionaries and options).</summary>
    internal static IEnumerable<(LocalDate RateDate, PipelineSnapshot Month)> ByMonth(PipelineSnapshot snapshot)
    {
        var c = snapshot.Columns;
        if (c.Count == 0)
        {
            yield break;
        }

        int min = c.Month.Min(), max = c.Month.Max();
        var bucketOf = new int[max - min + 1];
        Array.Fill(bucketOf, -1);
        var buckets = new List<short>();
        foreach (var month in c.Month)
        {
            if (bucketOf[month - min] < 0)
            {
                bucketOf[month - min] = buckets.Count;
                buckets.Add(month);
            }
        }

        // One pass: every row goes to its month's list, partner by partner, keeping the row order.
        var partners = c.PartnerStart.Length - 1;
        var rows = buckets.Select(_ => new List<int>()).ToArray();
        var starts = buckets.Select(_ => new int[partners + 1]).ToArray();
        for (var p = 0; p < partners; p++)
        {
            for (var b = 0; b < rows.Length; b++)
            {
                starts[b][p] = rows[b].Count;
            }

            for (var i = c.PartnerStart[p]; i < c.PartnerStart[p + 1]; i++)
            {
                rows[bucketOf[c.Month[i] - min]].Add(i);
            }
        }

        for (var b = 0; b < rows.Length; b++)
        {
            starts[b][partners] = rows[b].Count;
            var r = rows[b].ToArray();
            var columns = PipelineColumns.Create(
                Pick(c.Amount, r), Pick(c.BasisPoints, r), Pick(c.Stage, r), Pick(c.Category, r), Pick(c.Currency, r),
                Pick(c.Month, r), Pick(c.Region, r), Pick(c.ProductLine, r), starts[b], c.UniqueRuns);
            var rateDate = snapshot.CloseMonthStart(r[0]);
            yield return (rateDate, new PipelineSnapshot(columns, snapshot.Dictionaries, buckets[b], buckets[b], columns.Amount.Max(), snapshot.Options, snapshot.Products.Pick(r)));
        }
    }

    private static PipelineReportLine Line(string key, List<Part> parts, CurrencyCode currency, IExchangeRateProvider? rates)
    {
        var amount = CurrencyConversion.ToMinorUnits(parts.Select(p => (p.Currency, p.Amount, p.RateDate)), 0, currency, rates);
        var weighted = CurrencyConversion.ToMinorUnits(parts.Select(p => (p.Currency, p.Weighted, p.RateDate)), 4, currency, rates);
        return new PipelineReportLine(key, parts.Sum(p => p.Count), ExactMath.ToMoney(amount, currency), ExactMath.ToMoney(weighted, currency));
    }

    private static T[] Pick<T>(T[] column, int[] rows)
    {
        var result = new T[rows.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            result[j] = column[rows[j]];
        }

        return result;
    }

    private readonly record struct Part(CurrencyCode Currency, long Count, Int128 Amount, Int128 Weighted, LocalDate RateDate)
    {
        public Part(PipelineGroupTotal total, LocalDate rateDate)
            : this(total.Currency, total.Count, total.AmountMinorUnits, total.Weighted.Scaled, rateDate)
        {
        }
    }
}
