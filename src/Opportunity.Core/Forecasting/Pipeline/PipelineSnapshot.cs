using System.Runtime.CompilerServices;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// A columnar, read-only view of the pipeline (open deals, optionally closed-won ones) for exact,
/// fast weighted-pipeline arithmetic: grouping by partner, stage, forecast category, region, product
/// line or close period (month, fiscal quarter, fiscal year) and any pair of these; forecast
/// rollups; Monte Carlo forecasts. Each deal costs 19 bytes, plus 4 bytes per partner and per run
/// of deals sharing partner, stage and currency (the clustered index).
/// Build one from a store (<see cref="FromStoreAsync"/>), from opportunities, from your own rows
/// (<see cref="FromRows"/>), or column by column with <see cref="PipelineSnapshotBuilder"/>.
/// </summary>
/// <example>
/// <code>
/// var snapshot = await PipelineSnapshot.FromStoreAsync(store, AccessScope.Manufacturer(tenant));
/// using var byPartnerAndStage = snapshot.Group(PipelineDimension.Partner, PipelineDimension.Stage);
/// var report = byPartnerAndStage.ToReport(CurrencyCode.EUR, rates, today);
/// Console.WriteLine(PipelineReportJson.ToJson(report));
/// </code>
/// </example>
public sealed class PipelineSnapshot
{
    internal PipelineSnapshot(PipelineColumns columns, PipelineDictionaries dictionaries, short minMonth, short maxMonth, long maxAmount, PipelineSnapshotOptions options, ProductParts? products = null)
    {
        Columns = columns;
        Products = products ?? ProductParts.None;
        Dictionaries = dictionaries;
        MinMonthCode = minMonth;
        MaxMonthCode = maxMonth;
        MaxAmount = maxAmount;
        Options = options;
    }

    /// <summary>Number of deals.</summary>
    public int Count => Columns.Count;

    /// <summary>Number of partners known to the snapshot (with or without deals).</summary>
    public int PartnerCount => Dictionaries.Partners.Length;

    /// <summary>The partners, ordered by id.</summary>
    public IReadOnlyList<PartnerId> Partners => Dictionaries.Partners;

    /// <summary>The currencies of the deals, ordered by code.</summary>
    public IReadOnlyList<CurrencyCode> Currencies => Dictionaries.Currencies;

    /// <summary>The fiscal calendar used for quarters and fiscal years.</summary>
    public FiscalCalendar FiscalCalendar => Dictionaries.FiscalCalendar;

    /// <summary>
    /// Bytes held by the columns, the partner offsets, the run index and the product amounts of deals with
    /// lines (14 bytes per product of a deal; dictionaries excluded), plus what groupings have built so far and
    /// keep: one byte per deal for each one-byte key column (close month, quarter, fiscal year; region and
    /// product line while their labels fit a byte), 23 bytes per deal whose forecast category is not its stage
    /// run's and 2 bytes per run once a forecast category grouping or roll-up has listed them, and 4 bytes per
    /// partner once a forecast hierarchy has rolled the snapshot up by region.
    /// </summary>
    public long ColumnBytes => ((long)Count * PipelineColumns.BytesPerRow) + Columns.IndexBytes + Products.Bytes + (_regions?.Length ?? 0) + (_productLines?.Length ?? 0) + (_months?.Length ?? 0) + (_quarters?.Length ?? 0) + (_fiscalYears?.Length ?? 0) + (_categoryOverrides?.Bytes ?? 0) + (4L * (_partnerRegions?.Length ?? 0));

    /// <summary><see cref="ColumnBytes"/> per deal (0 when empty).</summary>
    public double BytesPerOpportunity => Count == 0 ? 0 : ColumnBytes / (double)Count;

    internal PipelineColumns Columns { get; }

    internal PipelineDictionaries Dictionaries { get; }

    /// <summary>The product amounts of the deals with lines (for <see cref="PipelineDimension.Product"/>).</summary>
    internal ProductParts Products { get; }

    internal short MinMonthCode { get; }

    internal short MaxMonthCode { get; }

    internal long MaxAmount { get; }

    internal PipelineSnapshotOptions Options { get; }

    private byte[]? _regions;
    private byte[]? _productLines;
    private byte[]? _months;
    private byte[]? _quarters;
    private byte[]? _fiscalYears;
    private CategoryOverrides? _categoryOverrides;
    private int[]? _partnerRegions;

    /// <summary>The deals whose forecast category is not their stage run's, listed on first use and kept (the snapshot never changes).</summary>
    internal CategoryOverrides CategoryOverrides
    {
        get
        {
            if (Volatile.Read(ref _categoryOverrides) is { } built)
            {
                return built;
            }

            var created = CategoryOverrides.Create(Columns);
            return Interlocked.CompareExchange(ref _categoryOverrides, created, null) ?? created;
        }
    }

    /// <summary>Each partner's one region, or −1 (<see cref="Forecasting.PartnerRegions"/>), found on first use and kept (the snapshot never changes).</summary>
    internal int[] PartnerRegions
    {
        get
        {
            if (Volatile.Read(ref _partnerRegions) is { } built)
            {
                return built;
            }

            var created = Forecasting.PartnerRegions.Find(Columns);
            return Interlocked.CompareExchange(ref _partnerRegions, created, null) ?? created;
        }
    }

    /// <summary>
    /// Each of the snapshot's months (month code − <see cref="MinMonthCode"/>) as a dense period code (the period's
    /// code − the first month's period's code), and that first code.
    /// </summary>
    internal (int[] Map, int First) PeriodMap(PeriodKind kind)
    {
        var months = Count == 0 ? 1 : MaxMonthCode - MinMonthCode + 1;
        var calendar = Dictionaries.FiscalCalendar;
        var first = calendar.PeriodCodeOfMonth(MinMonthCode + (2000 * 12), kind);
        var map = new int[months];
        for (var m = 0; m < months; m++)
        {
            map[m] = calendar.PeriodCodeOfMonth(MinMonthCode + m + (2000 * 12), kind) - first;
        }

        return (map, first);
    }

    /// <summary>
    /// The region or product-line column as a byte per deal where the dictionary has at most 256 labels (built on first
    /// use and kept, as the period columns are), so groupings by them read a byte per row instead of two; null when the
    /// labels do not fit a byte.
    /// </summary>
    internal byte[]? LabelBytes(PipelineDimension dimension)
    {
        var (column, labels) = dimension == PipelineDimension.Region ? (Columns.Region, Dictionaries.Regions.Length) : (Columns.ProductLine, Dictionaries.ProductLines.Length);
        if (labels > byte.MaxValue + 1)
        {
            return null;
        }

        ref var cached = ref dimension == PipelineDimension.Region ? ref _regions : ref _productLines;
        if (Volatile.Read(ref cached) is { } built)
        {
            return built;
        }

        var bytes = new byte[column.Length];
        for (var i = 0; i < column.Length; i++)
        {
            bytes[i] = (byte)column[i];
        }

        return Interlocked.CompareExchange(ref cached, bytes, null) ?? bytes;
    }

    /// <summary>
    /// Each deal's close month, quarter or fiscal year as <paramref name="map"/>[month − first month] (a byte per
    /// deal, built on first use and kept: the snapshot never changes), so groupings by period read a byte per row
    /// instead of the two-byte month (and, for quarters and years, looking it up row by row). The map must hold
    /// codes below 256.
    /// </summary>
    internal byte[] PeriodColumn(PeriodKind kind, int[] map)
    {
        ref var cached = ref kind == PeriodKind.Month ? ref _months : ref kind == PeriodKind.Quarter ? ref _quarters : ref _fiscalYears;
        if (Volatile.Read(ref cached) is { } built)
        {
            return built;
        }

        var months = Columns.Month;
        var column = new byte[months.Length];
        for (var i = 0; i < months.Length; i++)
        {
            column[i] = checked((byte)map[months[i] - MinMonthCode]);
        }

        return Interlocked.CompareExchange(ref cached, column, null) ?? column;
    }

    /// <summary>A snapshot of your own rows (pure mode).</summary>
    public static PipelineSnapshot FromRows(IEnumerable<PipelineRow> rows, PipelineSnapshotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var builder = new PipelineSnapshotBuilder(options, rows.TryGetNonEnumeratedCount(out var n) ? n : 0);
        foreach (var row in rows)
        {
            builder.Add(row);
        }

        return builder.Build();
    }

    /// <summary>A snapshot of opportunities: open ones, and closed-won ones when the options ask for them.</summary>
    public static PipelineSnapshot FromOpportunities(IEnumerable<SalesOpportunity> opportunities, PipelineSnapshotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        var builder = new PipelineSnapshotBuilder(options);
        foreach (var opportunity in opportunities)
        {
            builder.Add(opportunity);
        }

        return builder.Build();
    }

    /// <summary>
    /// A snapshot of opportunities whose probability comes from <paramref name="probability"/> (e.g.
    /// a learned model: <c>d => model.For(OpportunityHistory.From(d), now)</c>) instead of the
    /// override or stage default, so the expected value, the variance and the Monte Carlo forecast
    /// use it. Which deals are included follows <see cref="FromOpportunities(IEnumerable{SalesOpportunity}, PipelineSnapshotOptions?)"/>.
    /// </summary>
    public static PipelineSnapshot FromOpportunities(IEnumerable<SalesOpportunity> opportunities, Func<SalesOpportunity, Probability> probability, PipelineSnapshotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(probability);
        var builder = new PipelineSnapshotBuilder(options);
        foreach (var opportunity in opportunities)
        {
            builder.Add(opportunity, probability);
        }

        return builder.Build();
    }

    /// <summary>
    /// A snapshot of the opportunities visible in <paramref name="scope"/> (a partner sees only its
    /// own). A store that implements <see cref="IPipelineRowSource"/> (every adapter of this library
    /// does) streams the rows from its columns; any other store is read with
    /// <see cref="IOpportunityStore.QueryAsync"/>. Both give the same snapshot.
    /// </summary>
    /// <exception cref="StoreDataException">A stored deal's amount is outside 0..<see cref="Money.MaxDealMinorUnits"/> minor units (written before 0.2.0); names the deal and the field <c>Amount</c>.</exception>
    public static async Task<PipelineSnapshot> FromStoreAsync(IOpportunityStore store, AccessScope scope, PipelineSnapshotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(scope);
        var builder = new PipelineSnapshotBuilder(options);
        if (store is IPipelineRowSource source)
        {
            await builder.AddAsync(source, scope, cancellationToken).ConfigureAwait(false);
            return builder.Build();
        }

        var query = new OpportunityQuery { IsOpen = builder.Options.IncludeClosedWon ? null : true };
        await foreach (var opportunity in store.QueryAsync(scope, query, cancellationToken).ConfigureAwait(false))
        {
            if (!opportunity.Amount.IsValidDealAmount)
            {
                // Written before the one deal limit was enforced: name the deal, not an argument.
                throw new StoreDataException(nameof(SalesOpportunity), opportunity.Id.Value, nameof(opportunity.Amount), $"Stored amount {opportunity.Amount} is outside the range of one deal, 0 to {Money.MaxDealAmount(opportunity.Amount.Currency)}.");
            }

            builder.Add(opportunity);
        }

        return builder.Build();
    }

    /// <summary>Exact totals grouped as asked, per currency. Dispose the result to return its buffers to the pool.</summary>
    /// <exception cref="NotSupportedException">Partner paired with a dimension whose values × currencies exceed 262,144.</exception>
    public PipelineTotals Group(PipelineGrouping grouping) =>
        new(
            grouping,
            grouping.First == PipelineDimension.Product || grouping.Second == PipelineDimension.Product
                ? ProductAggregator.Aggregate(this, grouping, Options.MaxDegreeOfParallelism)
                : PipelineAggregator.Aggregate(this, grouping, Options.MaxDegreeOfParallelism),
            Dictionaries);

    /// <summary>Exact totals grouped by one dimension or a pair, per currency.</summary>
    public PipelineTotals Group(PipelineDimension first, PipelineDimension? second = null) =>
        Group(second is { } s ? PipelineGrouping.By(first, s) : PipelineGrouping.By(first));

    /// <summary>The grand total per currency.</summary>
    public PipelineTotals Total() => Group(PipelineGrouping.Total);

    /// <summary>
    /// The totals grouped as asked, in one currency, with the rate dating chosen explicitly:
    /// <see cref="ExchangeRateDating.Corporate"/> converts each currency once at <paramref name="asOf"/>
    /// (the same as <c>Group(grouping).ToReport(currency, rates, asOf)</c>);
    /// <see cref="ExchangeRateDating.CloseMonth"/> converts each deal at the rate of the first day of
    /// its close month. Either way each line is converted from exact sums and rounded once, half to
    /// even, and the total line is computed from the exact sums.
    /// </summary>
    /// <param name="grouping">How to group.</param>
    /// <param name="currency">The reporting currency.</param>
    /// <param name="rates">Exchange rates; only needed when a currency other than <paramref name="currency"/> occurs.</param>
    /// <param name="dating">Which date each deal is converted at.</param>
    /// <param name="asOf">The rate date of <see cref="ExchangeRateDating.Corporate"/>; not used by <see cref="ExchangeRateDating.CloseMonth"/>.</param>
    /// <exception cref="ExchangeRateNotFoundException">A foreign currency occurs and <paramref name="rates"/> is null or has no rate for it on a date asked.</exception>
    public PipelineReport Report(PipelineGrouping grouping, CurrencyCode currency, IExchangeRateProvider? rates, ExchangeRateDating dating, LocalDate asOf = default)
    {
        if (dating == ExchangeRateDating.CloseMonth)
        {
            return DatedConversion.Report(this, grouping, currency, rates);
        }

        if (dating != ExchangeRateDating.Corporate)
        {
            throw new ArgumentOutOfRangeException(nameof(dating), dating, "Unknown exchange-rate dating.");
        }

        using var totals = Group(grouping);
        return totals.ToReport(currency, rates, asOf);
    }

    /// <summary>
    /// The won amount of the selected deals as a distribution: expected value and variance in
    /// closed form, P10/P50/P90 and the probability of reaching a target from seeded Monte Carlo
    /// trials (see <see cref="Forecast"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Several currencies and no <see cref="ForecastOptions.Currency"/>.</exception>
    /// <exception cref="ExchangeRateNotFoundException">A foreign currency without a rate into the forecast currency.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Trials outside 1..10,000,000.</exception>
    public Forecast Forecast(ForecastOptions options) => ForecastEngine.Run(this, options);

    /// <summary>The period's deals by forecast category and the cumulative forecast views (see <see cref="ForecastRollup"/>).</summary>
    public ForecastRollup Rollup(ForecastPeriod period, CurrencyCode currency, IExchangeRateProvider? rates = null, LocalDate? asOf = null) =>
        ForecastRollup.Compute(this, period, currency, rates, asOf);

    /// <summary>A snapshot of the rows matching <paramref name="filter"/> (same dictionaries and options).</summary>
    public PipelineSnapshot Filter(PipelineFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var c = Columns;
        var d = Dictionaries;
        var partnerCode = filter.Partner is { } partner ? Array.BinarySearch(d.Partners, partner) : -1;
        if (filter.Partner is not null && partnerCode < 0)
        {
            return Empty();
        }

        var regionCode = filter.Region is null ? -1 : Array.IndexOf(d.Regions, filter.Region);
        var productCode = filter.ProductLine is null ? -1 : Array.IndexOf(d.ProductLines, filter.ProductLine);
        if ((filter.Region is not null && regionCode < 0) || (filter.ProductLine is not null && productCode < 0))
        {
            return Empty();
        }

        var categories = 0;
        foreach (var category in filter.Categories ?? [])
        {
            categories |= 1 << (int)category;
        }

        int firstMonth = short.MinValue, endMonth = short.MaxValue + 1;
        if (filter.Period is { } period)
        {
            firstMonth = period.FirstMonthIndex - (2000 * 12);
            endMonth = period.EndMonthIndex - (2000 * 12);
        }

        var keep = new List<int>();
        var starts = new int[c.PartnerStart.Length];
        for (var p = 0; p < c.PartnerStart.Length - 1; p++)
        {
            starts[p] = keep.Count;
            if (partnerCode >= 0 && p != partnerCode)
            {
                continue;
            }

            for (var i = c.PartnerStart[p]; i < c.PartnerStart[p + 1]; i++)
            {
                if ((regionCode < 0 || c.Region[i] == regionCode)
                    && (filter.Won is not { } won || (d.StageKinds[c.Stage[i]] == StageKind.Won) == won)
                    && (productCode < 0 || c.ProductLine[i] == productCode)
                    && (filter.Categories is null || (categories & (1 << c.Category[i])) != 0)
                    && c.Month[i] >= firstMonth && c.Month[i] < endMonth)
                {
                    keep.Add(i);
                }
            }
        }

        starts[^1] = keep.Count;
        var rows = keep.ToArray();
        var columns = PipelineColumns.Create(
            Pick(c.Amount, rows), Pick(c.BasisPoints, rows), Pick(c.Stage, rows), Pick(c.Category, rows), Pick(c.Currency, rows),
            Pick(c.Month, rows), Pick(c.Region, rows), Pick(c.ProductLine, rows), starts, c.UniqueRuns);
        var months = columns.Month;
        var min = months.Length == 0 ? (short)0 : months.Min();
        var max = months.Length == 0 ? (short)0 : months.Max();
        var maxAmount = columns.Amount.Length == 0 ? 0 : columns.Amount.Max();
        return new PipelineSnapshot(columns, Dictionaries, min, max, maxAmount, Options, Products.Pick(rows));
    }

    /// <summary>The rows of the snapshot, partner by partner (close dates are the first of the close month), with their product amounts.</summary>
    public IEnumerable<PipelineRow> Rows()
    {
        var c = Columns;
        var e = 0;
        for (var p = 0; p < c.PartnerStart.Length - 1; p++)
        {
            for (var i = c.PartnerStart[p]; i < c.PartnerStart[p + 1]; i++)
            {
                var row = RowAt(p, i);
                if (e < Products.Count && Products.Row[e] == i)
                {
                    var products = new List<ProductAmount>();
                    for (; e < Products.Count && Products.Row[e] == i; e++)
                    {
                        products.Add(new ProductAmount(Dictionaries.Products[Products.Product[e]]!, Products.Amount[e]));
                    }

                    row = row with { Products = products };
                }

                yield return row;
            }
        }
    }

    /// <summary>The partner code of a row (binary search over the partner offsets).</summary>
    internal int PartnerOf(int row)
    {
        var p = Array.BinarySearch(Columns.PartnerStart, row);
        if (p < 0)
        {
            return ~p - 1;
        }

        // Several partners may start at the same row when some have no rows; take the last.
        while (p + 1 < Columns.PartnerStart.Length - 1 && Columns.PartnerStart[p + 1] == row)
        {
            p++;
        }

        return p;
    }

    internal LocalDate CloseMonthStart(int row) =>
        Dictionaries.FiscalCalendar.PeriodOfMonth(Columns.Month[row] + (2000 * 12), PeriodKind.Month).Start;

    private PipelineRow RowAt(int partner, int i)
    {
        var c = Columns;
        var d = Dictionaries;
        var currency = d.Currencies[c.Currency[i]];
        return new PipelineRow(
            d.Partners[partner],
            ExactMath.ToMoney(c.Amount[i], currency),
            d.Stages[c.Stage[i]],
            Probability.FromBasisPoints(c.BasisPoints[i]),
            (ForecastCategory)c.Category[i],
            CloseMonthStart(i))
        {
            Region = d.Regions[c.Region[i]],
            ProductLine = d.ProductLines[c.ProductLine[i]],
        };
    }

    private PipelineSnapshot Empty() =>
        new(PipelineColumns.Create([], [], [], [], [], [], [], [], new int[Columns.PartnerStart.Length], true), Dictionaries, 0, 0, 0, Options);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T[] Pick<T>(T[] column, int[] rows)
    {
        var result = new T[rows.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            result[j] = column[rows[j]];
        }

        return result;
    }
}
