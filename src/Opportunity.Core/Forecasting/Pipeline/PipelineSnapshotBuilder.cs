using NodaTime;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// Collects rows for a <see cref="PipelineSnapshot"/>. Rows can be added as
/// <see cref="PipelineRow"/> values or opportunities, or — for bulk loaders and generators — as
/// dictionary codes (<see cref="InternPartner"/> and friends) straight into the columns, which
/// creates no object per row. <see cref="Build"/> clusters the rows by partner, then stage, then
/// currency, the layout the grouping loops are fast on. A builder builds once.
/// </summary>
public sealed class PipelineSnapshotBuilder
{
    /// <summary>Rows of a chunk added when the builder is full: as many as it holds, at most this many (1.5 MB of columns).</summary>
    private const int MaxChunkRows = 1 << 16;

    private readonly PipelineSnapshotOptions _options;
    private readonly Dictionary<PartnerId, int> _partnerCodes = [];
    private readonly List<PartnerId> _partners = [];
    private readonly Dictionary<string, int> _stageCodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _stages = [];
    private readonly List<StageKind> _stageKinds = [];
    private readonly Dictionary<CurrencyCode, int> _currencyCodes = [];
    private readonly List<CurrencyCode> _currencies = [];
    private readonly Dictionary<string, int> _regionCodes = new(StringComparer.Ordinal);
    private readonly List<string?> _regions = [null];
    private readonly Dictionary<string, int> _productCodes = new(StringComparer.Ordinal);
    private readonly List<string?> _products = [null];
    private readonly Dictionary<string, int> _lineProductCodes = new(StringComparer.Ordinal);
    private readonly List<string?> _lineProducts = [null];
    private readonly List<int> _partRow = [];
    private readonly List<int> _partProduct = [];
    private readonly List<long> _partAmount = [];

    /// <summary>The rows' columns in chunks, the last one being filled (<see cref="PipelineBuilderChunk"/>).</summary>
    private readonly List<PipelineBuilderChunk> _chunks = [];
    private PipelineBuilderChunk _chunk;
    private int _count;
    private long _maxAmount;
    private int _minMonth = int.MaxValue;
    private int _maxMonth = int.MinValue;
    private bool _built;

    /// <summary>Creates a builder.</summary>
    /// <param name="options">Snapshot options; defaults when null.</param>
    /// <param name="capacity">Expected number of rows (the first chunk of the columns; with the exact count and rows added in snapshot order, <see cref="Build"/> keeps the columns as they are).</param>
    /// <exception cref="InputValidationException">The options are invalid.</exception>
    public PipelineSnapshotBuilder(PipelineSnapshotOptions? options = null, int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _options = (options ?? new PipelineSnapshotOptions()).Validate().Value;
        _chunk = new PipelineBuilderChunk(Math.Max(capacity, 16));
        _chunks.Add(_chunk);
        foreach (var definition in (_options.Pipelines ?? new PipelineCatalog()).All.OrderBy(d => d.Id == PipelineDefinition.Default.Id ? 0 : 1).ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            foreach (var stage in definition.Stages)
            {
                var code = InternStage(stage.Name);
                if (stage.Kind != StageKind.Open)
                {
                    _stageKinds[code] = stage.Kind;
                }
            }
        }
    }

    /// <summary>Rows added so far.</summary>
    public int Count => _count;

    /// <summary>The options the snapshot is built with.</summary>
    public PipelineSnapshotOptions Options => _options;

    /// <summary>The code of a partner for the columnar <see cref="Add(int, long, Probability, int, ForecastCategory, int, LocalDate, int, int)"/>.</summary>
    public int InternPartner(PartnerId partner)
    {
        if (!_partnerCodes.TryGetValue(partner, out var code))
        {
            code = _partners.Count;
            _partnerCodes.Add(partner, code);
            _partners.Add(partner);
        }

        return code;
    }

    /// <summary>
    /// The code of a stage name (case-insensitive). At most 256 distinct stage names. Stages of the
    /// options' pipelines keep their kind (won deals are recognised by their stage); other names
    /// are open stages.
    /// </summary>
    /// <exception cref="InvalidOperationException">More than 256 stage names.</exception>
    public int InternStage(string stage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        stage = stage.Trim();
        if (!_stageCodes.TryGetValue(stage, out var code))
        {
            code = _stages.Count;
            if (code > byte.MaxValue)
            {
                throw new InvalidOperationException("A pipeline snapshot holds at most 256 distinct stage names.");
            }

            _stageCodes.Add(stage, code);
            _stages.Add(stage);
            _stageKinds.Add(StageKind.Open);
        }

        return code;
    }

    /// <summary>The code of a currency. At most 256 currencies.</summary>
    /// <exception cref="InvalidOperationException">More than 256 currencies.</exception>
    public int InternCurrency(CurrencyCode currency)
    {
        _ = currency.Code;
        if (!_currencyCodes.TryGetValue(currency, out var code))
        {
            code = _currencies.Count;
            if (code > byte.MaxValue)
            {
                throw new InvalidOperationException("A pipeline snapshot holds at most 256 currencies.");
            }

            _currencyCodes.Add(currency, code);
            _currencies.Add(currency);
        }

        return code;
    }

    /// <summary>The code of a region label; null or blank is code 0, "(none)". At most 65,535 regions.</summary>
    public int InternRegion(string? region) => Intern(region, _regionCodes, _regions, "regions");

    /// <summary>The code of a product line; null or blank is code 0, "(none)". At most 65,535 product lines.</summary>
    public int InternProductLine(string? productLine) => Intern(productLine, _productCodes, _products, "product lines");

    /// <summary>Adds a row.</summary>
    /// <exception cref="ArgumentException">The row's product amounts do not add up to its amount.</exception>
    public void Add(in PipelineRow row)
    {
        CheckProducts(row.Products, row.Amount.MinorUnits);
        Add(
            InternPartner(row.Partner),
            row.Amount.MinorUnits,
            row.Probability,
            InternStage(row.Stage),
            row.Category,
            InternCurrency(row.Amount.Currency),
            row.CloseDate,
            InternRegion(row.Region),
            InternProductLine(row.ProductLine));
        AddProducts(row.Products);
    }

    /// <summary>
    /// Adds an opportunity when it belongs in the snapshot: open deals always, closed-won deals when
    /// <see cref="PipelineSnapshotOptions.IncludeClosedWon"/> is set, closed-lost deals never.
    /// </summary>
    /// <returns>True when the opportunity was added.</returns>
    public bool Add(SalesOpportunity opportunity) => Add(opportunity, null);

    /// <summary>
    /// Adds an opportunity like <see cref="Add(SalesOpportunity)"/>, with the probability
    /// <paramref name="probability"/> gives it (e.g. a learned model's) instead of its own; a
    /// closed-won deal keeps 100%.
    /// </summary>
    /// <returns>True when the opportunity was added.</returns>
    public bool Add(SalesOpportunity opportunity, Func<SalesOpportunity, Probability>? probability)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        if (!Includes(opportunity.Stage.Kind, _options))
        {
            return false;
        }

        if (!opportunity.Amount.IsValidDealAmount)
        {
            throw new ArgumentOutOfRangeException(nameof(opportunity), opportunity.Amount, $"Opportunity '{opportunity.Id}': amount {opportunity.Amount} is outside the range of one deal, 0 to {Money.MaxDealAmount(opportunity.Amount.Currency)}.");
        }

        var row = PipelineRow.FromOpportunity(opportunity, _options.ReportingZone);
        if (probability is not null && opportunity.Stage.Kind == StageKind.Open)
        {
            row = new PipelineRow(row.Partner, row.Amount, row.Stage, probability(opportunity), row.Category, row.CloseDate) { Region = row.Region, ProductLine = row.ProductLine, Products = row.Products };
        }

        Add(row);
        return true;
    }

    /// <summary>
    /// Adds the rows <paramref name="source"/> streams for <paramref name="scope"/>: open deals, and
    /// closed-won ones when <see cref="PipelineSnapshotOptions.IncludeClosedWon"/> is set; a closed
    /// deal is dated by the day it closed in <see cref="PipelineSnapshotOptions.ReportingZone"/>.
    /// Read in batches (<see cref="IPipelineRowSource.ReadPipelineRowBatchesAsync"/>), each added in
    /// a synchronous loop straight into the columns: the only objects per row are those the source creates.
    /// </summary>
    /// <returns>The number of rows added.</returns>
    public async Task<int> AddAsync(IPipelineRowSource source, AccessScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scope);
        var added = 0;
        var repeats = new RepeatedCodes { Partner = -1, Currency = -1 };
        await foreach (var batch in source.ReadPipelineRowBatchesAsync(scope, _options.IncludeClosedWon, cancellationToken).ConfigureAwait(false))
        {
            added += Add(batch.Span, ref repeats);
        }

        return added;
    }

    /// <summary>Adds the rows of one batch; <paramref name="repeats"/> carries the last values' codes from batch to batch.</summary>
    private int Add(ReadOnlySpan<StoredPipelineRow> rows, ref RepeatedCodes repeats)
    {
        var zone = _options.ReportingZone;
        var added = 0;
        foreach (ref readonly var row in rows)
        {
            if (!Includes(row.Kind, _options))
            {
                continue;
            }

            // Stores tend to return a partner's deals together, and their readers one string per
            // distinct value: skip the dictionaries for a repeat (the same instance, or the same partner and currency).
            if (repeats.Partner < 0 || row.Partner != repeats.LastPartner)
            {
                repeats.Partner = InternPartner(row.Partner);
                repeats.LastPartner = row.Partner;
            }

            if (!ReferenceEquals(row.Stage, repeats.LastStage))
            {
                repeats.Stage = InternStage(row.Stage);
                repeats.LastStage = row.Stage;
            }

            if (repeats.Currency < 0 || row.Currency != repeats.LastCurrency)
            {
                repeats.Currency = InternCurrency(row.Currency);
                repeats.LastCurrency = row.Currency;
            }

            if (!ReferenceEquals(row.Region, repeats.LastRegion))
            {
                repeats.Region = InternRegion(row.Region);
                repeats.LastRegion = row.Region;
            }

            if (!ReferenceEquals(row.ProductLine, repeats.LastProductLine))
            {
                repeats.ProductLine = InternProductLine(row.ProductLine);
                repeats.LastProductLine = row.ProductLine;
            }

            var close = row.ClosedAt is { } closedAt ? closedAt.InZone(zone).Date : row.ExpectedClose;
            CheckProducts(row.Products, row.AmountMinorUnits);
            Add(repeats.Partner, row.AmountMinorUnits, row.Probability, repeats.Stage, row.Category, repeats.Currency, close, repeats.Region, repeats.ProductLine);
            AddProducts(row.Products);
            added++;
        }

        return added;
    }

    /// <summary>
    /// Adds a row from dictionary codes, straight into the columns (no allocation). Codes come from
    /// the <c>Intern…</c> methods of this builder.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A code is unknown, the amount is negative or too large, or the close date is outside the months the month column holds (May −731 to August 4730).</exception>
    public void Add(int partner, long amountMinorUnits, Probability probability, int stage, ForecastCategory category, int currency, LocalDate closeDate, int region = 0, int productLine = 0)
    {
        if (_built)
        {
            throw new InvalidOperationException("This builder has built its snapshot already; create a new builder.");
        }

        if ((uint)partner >= (uint)_partners.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(partner), partner, "Unknown partner code; use InternPartner.");
        }

        if ((uint)stage >= (uint)_stages.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage code; use InternStage.");
        }

        if ((uint)currency >= (uint)_currencies.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(currency), currency, "Unknown currency code; use InternCurrency.");
        }

        if ((uint)region >= (uint)_regions.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(region), region, "Unknown region code; use InternRegion.");
        }

        if ((uint)productLine >= (uint)_products.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(productLine), productLine, "Unknown product line code; use InternProductLine.");
        }

        if ((ulong)amountMinorUnits > ExactMath.MaxAmountMinorUnits)
        {
            throw new ArgumentOutOfRangeException(nameof(amountMinorUnits), amountMinorUnits, $"Pipeline amounts must be between 0 and {ExactMath.MaxAmountMinorUnits} minor units.");
        }

        if ((uint)category > (uint)ForecastCategory.Omitted)
        {
            throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown forecast category.");
        }

        var month = MonthCode(closeDate);
        var chunk = _chunk;
        if (chunk.Count == chunk.Capacity)
        {
            _chunk = chunk = new PipelineBuilderChunk(Math.Min(_count, MaxChunkRows));
            _chunks.Add(chunk);
        }

        var i = chunk.Count++;
        _count++;
        chunk.Partner[i] = partner;
        chunk.Amount[i] = amountMinorUnits;
        chunk.BasisPoints[i] = (ushort)probability.BasisPoints;
        chunk.Stage[i] = (byte)stage;
        chunk.Category[i] = (byte)category;
        chunk.Currency[i] = (byte)currency;
        chunk.Month[i] = (short)month;
        chunk.Region[i] = (ushort)region;
        chunk.Product[i] = (ushort)productLine;
        if (amountMinorUnits > _maxAmount)
        {
            _maxAmount = amountMinorUnits;
        }

        if (month < _minMonth)
        {
            _minMonth = month;
        }

        if (month > _maxMonth)
        {
            _maxMonth = month;
        }
    }

    /// <summary>
    /// Builds the snapshot: dictionaries sorted (partners, currencies, regions and product lines by
    /// ordinal name; stages in pipeline order), rows clustered by partner, stage and currency.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called twice.</exception>
    public PipelineSnapshot Build()
    {
        if (_built)
        {
            throw new InvalidOperationException("This builder has built its snapshot already; create a new builder.");
        }

        _built = true;
        var n = _count;
        var partnerMap = SortedOrder(_partners, (a, b) => string.CompareOrdinal(a.Value, b.Value), out var partners);
        var currencyMap = SortedOrder(_currencies, (a, b) => string.CompareOrdinal(a.Code, b.Code), out var currencies);
        var regionMap = SortedOrder(_regions, CompareLabels, out var regions);
        var productMap = SortedOrder(_products, CompareLabels, out var products);

        var partnerCount = partners.Length;
        var stageCount = _stages.Count;
        var currencyCount = Math.Max(1, currencies.Length);

        // Cluster by (partner, stage, currency) with one counting sort; fall back to partner alone
        // when the composite key space would be too large for a counting array.
        var composite = (long)partnerCount * stageCount * currencyCount <= 1 << 24;
        var bucketCount = composite ? partnerCount * stageCount * currencyCount : partnerCount;
        var counts = new int[bucketCount + 1];
        var sorted = true;
        var previous = -1;
        foreach (var chunk in _chunks)
        {
            for (var k = 0; k < chunk.Count; k++)
            {
                var key = BucketOf(chunk, k);
                counts[key + 1]++;
                sorted &= key >= previous;
                previous = key;
            }
        }

        for (var b = 0; b < bucketCount; b++)
        {
            counts[b + 1] += counts[b];
        }

        var partnerStart = new int[partnerCount + 1];
        for (var p = 0; p <= partnerCount; p++)
        {
            partnerStart[p] = counts[composite ? p * stageCount * currencyCount : p];
        }

        var identityMaps = IsIdentity(currencyMap) && IsIdentity(regionMap) && IsIdentity(productMap);
        var position = _partRow.Count == 0 || (sorted && identityMaps) ? null : new int[n];
        long[] amount;
        ushort[] basisPoints;
        byte[] stage;
        byte[] category;
        byte[] currency;
        short[] month;
        ushort[] region;
        ushort[] product;
        if (sorted && identityMaps && _chunks.Count == 1)
        {
            var only = _chunks[0];
            amount = Trim(only.Amount, n);
            basisPoints = Trim(only.BasisPoints, n);
            stage = Trim(only.Stage, n);
            category = Trim(only.Category, n);
            currency = Trim(only.Currency, n);
            month = Trim(only.Month, n);
            region = Trim(only.Region, n);
            product = Trim(only.Product, n);
        }
        else
        {
            amount = new long[n];
            basisPoints = new ushort[n];
            stage = new byte[n];
            category = new byte[n];
            currency = new byte[n];
            month = new short[n];
            region = new ushort[n];
            product = new ushort[n];
            var next = counts; // reused as write cursors
            var i = 0;
            foreach (var chunk in _chunks)
            {
                for (var k = 0; k < chunk.Count; k++, i++)
                {
                    var j = next[BucketOf(chunk, k)]++;
                    if (position is not null)
                    {
                        position[i] = j;
                    }

                    amount[j] = chunk.Amount[k];
                    basisPoints[j] = chunk.BasisPoints[k];
                    stage[j] = chunk.Stage[k];
                    category[j] = chunk.Category[k];
                    currency[j] = (byte)currencyMap[chunk.Currency[k]];
                    month[j] = chunk.Month[k];
                    region[j] = (ushort)regionMap[chunk.Region[k]];
                    product[j] = (ushort)productMap[chunk.Product[k]];
                }
            }
        }

        // Release the builder's columns.
        _chunks.Clear();
        _chunk = new PipelineBuilderChunk(0);

        var lineProductMap = SortedOrder(_lineProducts, CompareLabels, out var lineProducts);
        return new PipelineSnapshot(
            PipelineColumns.Create(amount, basisPoints, stage, category, currency, month, region, product, partnerStart, sortedByStage: composite),
            new PipelineDictionaries(partners, [.. _stages], [.. _stageKinds], currencies, regions, products, _options.FiscalCalendar) { Products = lineProducts },
            n == 0 ? (short)0 : (short)_minMonth,
            n == 0 ? (short)0 : (short)_maxMonth,
            _maxAmount,
            _options,
            BuildProductParts(position, lineProductMap, basisPoints));

        int BucketOf(PipelineBuilderChunk chunk, int k)
        {
            var p = partnerMap[chunk.Partner[k]];
            return composite ? (((p * stageCount) + chunk.Stage[k]) * currencyCount) + currencyMap[chunk.Currency[k]] : p;
        }
    }

    /// <summary>
    /// Attaches the product amounts of the row just added (none: the row counts under <c>(none)</c>).
    /// They must add up to the row's amount, so that the grouping by product sums to the total.
    /// </summary>
    private void AddProducts(IReadOnlyList<ProductAmount>? products)
    {
        if (products is null || products.Count == 0)
        {
            return;
        }

        foreach (var part in products)
        {
            _partRow.Add(_count - 1);
            _partProduct.Add(Intern(part.Product, _lineProductCodes, _lineProducts, "products"));
            _partAmount.Add(part.AmountMinorUnits);
        }
    }

    /// <exception cref="ArgumentException">The product amounts do not add up to the row's amount, or one is negative.</exception>
    private static void CheckProducts(IReadOnlyList<ProductAmount>? products, long amountMinorUnits)
    {
        if (products is null || products.Count == 0)
        {
            return;
        }

        var sum = 0L;
        foreach (var part in products)
        {
            if (part.AmountMinorUnits < 0)
            {
                throw new ArgumentException($"Product '{part.Product}' has a negative amount ({part.AmountMinorUnits} minor units).", nameof(products));
            }

            sum = checked(sum + part.AmountMinorUnits);
        }

        if (sum != amountMinorUnits)
        {
            throw new ArgumentException($"The product amounts add up to {sum} minor units, not to the deal's amount of {amountMinorUnits}.", nameof(products));
        }
    }

    /// <summary>The product amounts at the rows' final positions, sorted by row then product (display order), each with its row's basis points.</summary>
    private ProductParts BuildProductParts(int[]? position, int[] productMap, ushort[] basisPoints)
    {
        if (_partRow.Count == 0)
        {
            return ProductParts.None;
        }

        var count = _partRow.Count;
        var keys = new long[count];
        var order = new int[count];
        for (var e = 0; e < count; e++)
        {
            var row = position is null ? _partRow[e] : position[_partRow[e]];
            keys[e] = ((long)row << 16) | (uint)productMap[_partProduct[e]];
            order[e] = e;
        }

        Array.Sort(keys, order);
        var rows = new int[count];
        var codes = new ushort[count];
        var amounts = new long[count];
        var partBasisPoints = new ushort[count];
        for (var e = 0; e < count; e++)
        {
            rows[e] = (int)(keys[e] >> 16);
            codes[e] = (ushort)(keys[e] & 0xFFFF);
            amounts[e] = _partAmount[order[e]];
            partBasisPoints[e] = basisPoints[rows[e]];
        }

        return new ProductParts(rows, codes, amounts, partBasisPoints);
    }

    /// <summary>True when a deal of this stage kind belongs in a snapshot built with <paramref name="options"/>.</summary>
    internal static bool Includes(StageKind kind, PipelineSnapshotOptions options) =>
        kind == StageKind.Open || (kind == StageKind.Won && options.IncludeClosedWon);

    /// <summary>Months since January 2000 of the date, as stored in the month column.</summary>
    internal static int MonthCode(LocalDate date)
    {
        if (!CloseDateRange.Contains(date))
        {
            throw new ArgumentOutOfRangeException(nameof(date), date, $"Close dates must lie {CloseDateRange.Text}.");
        }

        return CloseDateRange.MonthsSince2000(date);
    }

    private static int Intern(string? label, Dictionary<string, int> codes, List<string?> labels, string what)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return 0;
        }

        label = label.Trim();
        if (!codes.TryGetValue(label, out var code))
        {
            code = labels.Count;
            if (code > ushort.MaxValue)
            {
                throw new InvalidOperationException($"A pipeline snapshot holds at most 65,535 {what}.");
            }

            codes.Add(label, code);
            labels.Add(label);
        }

        return code;
    }

    private static int CompareLabels(string? a, string? b) =>
        a is null ? (b is null ? 0 : -1) : b is null ? 1 : string.CompareOrdinal(a, b);

    /// <summary>Sorts a dictionary; returns old code → new code.</summary>
    private static int[] SortedOrder<T>(List<T> items, Comparison<T> comparison, out T[] sorted)
    {
        var order = Enumerable.Range(0, items.Count).ToArray();
        Array.Sort(order, (a, b) => comparison(items[a], items[b]));
        sorted = new T[items.Count];
        var map = new int[items.Count];
        for (var newCode = 0; newCode < order.Length; newCode++)
        {
            sorted[newCode] = items[order[newCode]];
            map[order[newCode]] = newCode;
        }

        return map;
    }

    private static bool IsIdentity(int[] map)
    {
        for (var i = 0; i < map.Length; i++)
        {
            if (map[i] != i)
            {
                return false;
            }
        }

        return true;
    }

    private static T[] Trim<T>(T[] column, int count)
    {
        if (column.Length == count)
        {
            return column;
        }

        var trimmed = new T[count];
        Array.Copy(column, trimmed, count);
        return trimmed;
    }

    /// <summary>The codes of the values the last row added from a store held, and those values.</summary>
    private struct RepeatedCodes
    {
        public int Partner, Stage, Currency, Region, ProductLine;
        public PartnerId LastPartner;
        public CurrencyCode LastCurrency;
        public string? LastStage, LastRegion, LastProductLine;
    }
}
