using System.Collections;
using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// Grouped pipeline totals, one entry per group and currency, ordered by the grouping's display
/// order (partners, regions and product lines by name, stages in pipeline order, periods in time,
/// categories as declared), then by currency. All sums are exact; rounding happens only in
/// <see cref="PipelineGroupTotal.WeightedAmount"/> and <see cref="ToReport"/>. The totals hold
/// pooled buffers: dispose them when done (e.g. <c>using var totals = snapshot.Group(…)</c>) and
/// repeated groupings reuse the memory; undisposed totals are simply garbage-collected.
/// </summary>
public sealed class PipelineTotals : IDisposable
{
    internal const string TotalLabel = "Total";
    internal const string PairSeparator = " / ";

    private readonly GroupBuffer[] _parts;
    private readonly int[] _offsets;
    private readonly PipelineDictionaries _dictionaries;
    private PipelineGroupTotal[]? _currencyTotals;
    private bool _disposed;

    internal PipelineTotals(PipelineGrouping grouping, GroupBuffer[] parts, PipelineDictionaries dictionaries)
    {
        Grouping = grouping;
        _parts = parts;
        _dictionaries = dictionaries;
        _offsets = new int[parts.Length + 1];
        for (var p = 0; p < parts.Length; p++)
        {
            _offsets[p + 1] = _offsets[p] + parts[p].Length;
        }

        Groups = new GroupList(this);
    }

    /// <summary>How the totals are grouped.</summary>
    public PipelineGrouping Grouping { get; }

    /// <summary>One entry per group and currency, in display order.</summary>
    public IReadOnlyList<PipelineGroupTotal> Groups { get; }

    /// <summary>The grand total per currency (keys null), ordered by currency code.</summary>
    /// <exception cref="ObjectDisposedException">Disposed before they were first read.</exception>
    public IReadOnlyList<PipelineGroupTotal> CurrencyTotals => _currencyTotals ??= SumByCurrency();

    /// <summary>Number of deals over all groups.</summary>
    public long Count => CurrencyTotals.Sum(t => t.Count);

    /// <summary>The currencies that occur, ordered by code.</summary>
    public IReadOnlyList<CurrencyCode> Currencies => [.. CurrencyTotals.Select(t => t.Currency)];

    private PipelineGroupTotal[] SumByCurrency()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var currencies = _dictionaries.Currencies;
        var count = new long[currencies.Length];
        var amount = new Int128[currencies.Length];
        var weighted = new Int128[currencies.Length];
        foreach (var groups in _parts)
        {
            groups.AddTotalsByCurrency(count, amount, weighted);
        }

        return [.. Enumerable.Range(0, currencies.Length)
            .Where(c => count[c] != 0)
            .Select(c => new PipelineGroupTotal(null, null, currencies[c], count[c], amount[c], new WeightedValue(currencies[c], weighted[c])))
            .OrderBy(t => t.Currency.Code, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The totals in one currency, ready to print or serialise: per group, the exact per-currency
    /// sums are converted once with <paramref name="rates"/> and rounded once, half to even; the
    /// total line is computed from the exact sums, not from the rounded lines.
    /// </summary>
    /// <param name="currency">The reporting currency.</param>
    /// <param name="rates">Exchange rates; only needed when a currency other than <paramref name="currency"/> occurs.</param>
    /// <param name="asOf">The date of the rates.</param>
    /// <exception cref="ExchangeRateNotFoundException">A foreign currency occurs and <paramref name="rates"/> is null or has no rate for it.</exception>
    /// <exception cref="ObjectDisposedException">The totals were disposed.</exception>
    public PipelineReport ToReport(CurrencyCode currency, IExchangeRateProvider? rates = null, LocalDate asOf = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lines = new List<PipelineReportLine>();
        var i = 0;
        var length = _offsets[^1];
        while (i < length)
        {
            var j = i;
            var key = KeyCodes(i);
            while (j < length && KeyCodes(j) == key)
            {
                j++;
            }

            var entry = Groups[i];
            lines.Add(Line(entry.Key, Enumerable.Range(i, j - i).Select(k => Groups[k]), currency, rates, asOf));
            i = j;
        }

        return new PipelineReport(currency, Grouping, lines, Line(TotalLabel, CurrencyTotals, currency, rates, asOf));
    }

    internal static string KeyOf(string? first, string? second) =>
        first is null ? TotalLabel : second is null ? first : first + PairSeparator + second;

    private static PipelineReportLine Line(string key, IEnumerable<PipelineGroupTotal> parts, CurrencyCode currency, IExchangeRateProvider? rates, LocalDate asOf)
    {
        var list = parts as IReadOnlyCollection<PipelineGroupTotal> ?? [.. parts];
        var amount = CurrencyConversion.ToMinorUnits(list.Select(p => (p.Currency, p.AmountMinorUnits)), 0, currency, rates, asOf);
        var weighted = CurrencyConversion.ToMinorUnits(list.Select(p => (p.Currency, p.Weighted.Scaled)), 4, currency, rates, asOf);
        return new PipelineReportLine(key, list.Sum(p => p.Count), ExactMath.ToMoney(amount, currency), ExactMath.ToMoney(weighted, currency));
    }

    /// <summary>
    /// Returns the pooled buffers. Afterwards <see cref="Groups"/>, <see cref="ToReport"/> and (unless
    /// read before) <see cref="CurrencyTotals"/> throw; values read before stay valid.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var part in _parts)
        {
            part.Release();
        }
    }

    private (GroupBuffer Part, int Index) Locate(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _offsets[^1]);
        var p = 0;
        while (index >= _offsets[p + 1])
        {
            p++;
        }

        return (_parts[p], index - _offsets[p]);
    }

    internal (int First, int Second) KeyCodes(int index)
    {
        var (part, i) = Locate(index);
        return (part.First(i), part.Second(i));
    }

    private PipelineGroupTotal At(int index)
    {
        var (g, i) = Locate(index);
        var currency = _dictionaries.Currencies[g.Currency(i)];
        var first = Grouping.First is { } f ? _dictionaries.Label(f, g.First(i)) : null;
        var second = Grouping.Second is { } s ? _dictionaries.Label(s, g.Second(i)) : null;
        return new PipelineGroupTotal(first, second, currency, g.Count(i), g.Amount(i), new WeightedValue(currency, g.Weighted(i)));
    }

    private sealed class GroupList(PipelineTotals owner) : IReadOnlyList<PipelineGroupTotal>
    {
        public int Count => owner._disposed ? throw new ObjectDisposedException(nameof(PipelineTotals)) : owner._offsets[^1];

        public PipelineGroupTotal this[int index] => owner.At(index);

        public IEnumerator<PipelineGroupTotal> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return owner.At(i);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
