using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Opportunity.Forecasting;

/// <summary>
/// The grouping loops over a snapshot's columns. Rows are clustered by partner, then stage, then
/// currency, so:
/// <list type="bullet">
/// <item>groupings by partner and/or stage walk the clustered index (runs of equal partner, stage
/// and currency) and sum each run with SIMD — no per-row branch, no scatter, and for partner ×
/// stage exactly one output entry per run;</item>
/// <item>partner × another dimension walks one partner's rows into a small table that stays in
/// the L1 cache (instead of scattering into a table with millions of entries); stretches of small
/// partners share one block scatter (<see cref="PartnerBlockScatter"/>);</item>
/// <item>groupings without the partner scatter into one small table per thread, replicated four
/// ways so consecutive rows with the same key do not wait on each other.</item>
/// </list>
/// Per-row sums are 64-bit and bounded (a chunk never holds more rows than could overflow) and
/// flushed into 128-bit sums, so results are exact. Work is split across threads by rows; the
/// result does not depend on the split.
/// </summary>
internal static class PipelineAggregator
{
    private const int MinRowsPerWorker = 1 << 17;
    private const int MaxTableSize = 1 << 18;

    public static GroupBuffer[] Aggregate(PipelineSnapshot snapshot, PipelineGrouping grouping, int maxWorkers)
    {
        if (grouping.First == PipelineDimension.Partner || grouping.Second == PipelineDimension.Partner)
        {
            var partnerFirst = grouping.First == PipelineDimension.Partner;
            var other = partnerFirst ? grouping.Second : grouping.First;
            var mode = other switch
            {
                null => RunMode.Runs,
                PipelineDimension.Stage => snapshot.Columns.UniqueRuns ? RunMode.RunPerGroup : RunMode.Runs,
                PipelineDimension.ForecastCategory => RunMode.RunsWithExceptions,
                _ => RunMode.Rows,
            };
            var parts = WithKey<GroupBuffer[], PartnerConsumer>(snapshot, other, new PartnerConsumer(snapshot, partnerFirst, maxWorkers, mode));
            if (!partnerFirst)
            {
                var info = KeyInfo(snapshot, other);
                return [GroupBuffer.Concat(parts).StableSortByFirst(info.Offset, info.Cardinality)];
            }

            return parts;
        }

        var runBased = grouping.Second is null && grouping.First is null or PipelineDimension.Stage;
        if (!runBased)
        {
            var flat = FlatAggregator.Aggregate(snapshot, grouping.First, grouping.Second, Workers(snapshot.Count, maxWorkers), (int)SafeRows(snapshot.MaxAmount));
            if (flat is not null)
            {
                return [flat];
            }
        }

        return [WithKey<GroupBuffer, FlatOuterConsumer>(snapshot, grouping.First, new FlatOuterConsumer(snapshot, grouping.Second, maxWorkers, runBased))];
    }

    /// <summary>The key info of a dimension (null: a single group).</summary>
    public static RowKeyInfo KeyInfo(PipelineSnapshot snapshot, PipelineDimension? dimension) =>
        WithKey<RowKeyInfo, InfoConsumer>(snapshot, dimension, default);

    /// <summary>Calls <paramref name="consumer"/> with the dimension's key as a struct type.</summary>
    public static TResult WithKey<TResult, TConsumer>(PipelineSnapshot snapshot, PipelineDimension? dimension, TConsumer consumer)
        where TConsumer : IRowKeyConsumer<TResult>
    {
        var c = snapshot.Columns;
        var d = snapshot.Dictionaries;
        var minMonth = snapshot.MinMonthCode;
        switch (dimension)
        {
            case null:
                return consumer.Consume(default(NoKey), new RowKeyInfo(1, 0));
            case PipelineDimension.Stage:
                return consumer.Consume(new ByteKey(c.Stage), new RowKeyInfo(Math.Max(1, d.Stages.Length), 0));
            case PipelineDimension.ForecastCategory:
                return consumer.Consume(new ByteKey(c.Category), new RowKeyInfo(5, 0));
            case PipelineDimension.Region:
            case PipelineDimension.ProductLine:
                var info = new RowKeyInfo(dimension == PipelineDimension.Region ? d.Regions.Length : d.ProductLines.Length, 0);

                // At most 256 labels (the usual case): a byte column built once per snapshot.
                return snapshot.LabelBytes(dimension.Value) is { } bytes
                    ? consumer.Consume(new ByteKey(bytes), info)
                    : consumer.Consume(new UShortKey(dimension == PipelineDimension.Region ? c.Region : c.ProductLine), info);
            case PipelineDimension.CloseMonth:
            case PipelineDimension.CloseQuarter:
            case PipelineDimension.CloseFiscalYear:
                var kind = dimension == PipelineDimension.CloseMonth ? PeriodKind.Month : dimension == PipelineDimension.CloseQuarter ? PeriodKind.Quarter : PeriodKind.FiscalYear;
                var (map, first) = snapshot.PeriodMap(kind);

                // Few periods (the usual case): a byte column built once per snapshot.
                return map[^1] <= byte.MaxValue
                    ? consumer.Consume(new ByteKey(snapshot.PeriodColumn(kind, map)), new RowKeyInfo(map[^1] + 1, first))
                    : kind == PeriodKind.Month
                        ? consumer.Consume(new MonthKey(c.Month, minMonth), new RowKeyInfo(map.Length, first))
                        : consumer.Consume(new MappedMonthKey(c.Month, minMonth, map), new RowKeyInfo(map[^1] + 1, first));
            case PipelineDimension.Partner:
                throw new InvalidOperationException("Partner groupings walk partner runs; they have no row key.");
            default:
                throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown dimension.");
        }
    }

    /// <summary>The partners split into <paramref name="workers"/> contiguous ranges of about equal row counts (range w: [bounds[w], bounds[w + 1])).</summary>
    internal static int[] PartnerBounds(PipelineColumns c, int workers)
    {
        var partners = c.PartnerStart.Length - 1;
        var bounds = new int[workers + 1];
        bounds[workers] = partners;
        for (var w = 1; w < workers; w++)
        {
            var target = (int)((long)c.Count * w / workers);
            var p = Array.BinarySearch(c.PartnerStart, target);
            bounds[w] = Math.Clamp(p >= 0 ? p : ~p, bounds[w - 1], partners);
        }

        return bounds;
    }

    internal static int Workers(int rows, int maxWorkers) => Math.Clamp(rows / MinRowsPerWorker, 1, Math.Max(1, maxWorkers));

    /// <summary>The most rows whose 64-bit sums of amount × basis points cannot overflow.</summary>
    internal static long SafeRows(long maxAmount) =>
        maxAmount == 0 ? int.MaxValue : Math.Clamp(long.MaxValue / (maxAmount * Probability.Scale), 1, int.MaxValue);

    private readonly struct InfoConsumer : IRowKeyConsumer<RowKeyInfo>
    {
        public RowKeyInfo Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey => info;
    }

    private readonly struct PartnerConsumer(PipelineSnapshot snapshot, bool partnerFirst, int maxWorkers, RunMode mode) : IRowKeyConsumer<GroupBuffer[]>
    {
        public GroupBuffer[] Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey
        {
            var c = snapshot.Columns;
            var partners = c.PartnerStart.Length - 1;
            var workers = Workers(snapshot.Count, maxWorkers);
            var currencies = Math.Max(1, snapshot.Dictionaries.Currencies.Length);
            if ((long)info.Cardinality * currencies > MaxTableSize)
            {
                throw new NotSupportedException($"Grouping partners by a dimension with {info.Cardinality} values in {currencies} currencies exceeds {MaxTableSize} groups per partner.");
            }

            var safe = (int)SafeRows(snapshot.MaxAmount);
            var narrow = snapshot.Count <= safe;
            var packing = new PackedCount(snapshot.MaxAmount, safe);
            var overrides = mode == RunMode.RunsWithExceptions && narrow ? snapshot.CategoryOverrides : null;
            var isFirst = partnerFirst;
            if (workers == 1)
            {
                return [PartnerRuns(c, overrides, key, info, currencies, safe, packing, narrow, mode, 0, partners, isFirst)];
            }

            var bounds = PartnerBounds(c, workers);
            var parts = new GroupBuffer[workers];
            var k = key;
            var m = mode;
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
                parts[w] = PartnerRuns(c, overrides, k, info, currencies, safe, packing, narrow, m, bounds[w], bounds[w + 1], isFirst));
            return parts;
        }
    }

    /// <summary>How partner groupings read the rows.</summary>
    private enum RunMode
    {
        /// <summary>Row by row (the other key is not the stage).</summary>
        Rows,

        /// <summary>Run by run of the clustered index, into the partner's table (partner alone, or runs not unique).</summary>
        Runs,

        /// <summary>Run by run, each run one output entry (partner × stage over unique, ordered runs).</summary>
        RunPerGroup,

        /// <summary>
        /// Run by run under the forecast category of the run's first row, then the rows whose category differs
        /// moved to theirs (the category follows the stage but for the few deals that override it).
        /// </summary>
        RunsWithExceptions,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static GroupBuffer PartnerRuns<TKey>(PipelineColumns c, CategoryOverrides? overrides, TKey key, RowKeyInfo info, int currencies, int safe, PackedCount packing, bool narrow, RunMode mode, int fromPartner, int toPartner, bool partnerFirst)
        where TKey : struct, IRowKey
    {
        var runs = c.RunStart;
        var partnerRuns = c.PartnerRunStart;
        if (mode == RunMode.RunPerGroup && narrow)
        {
            // Runs are unique and ordered by (stage, currency): each is one group, written as it is summed.
            var groups = partnerRuns[toPartner] - partnerRuns[fromPartner];
            var result = new GroupBuffer(groups, wide: false);
            var keyColumn = c.Stage;
            result.FillNarrow(groups, (first, second, currency, count, amount, weighted) =>
                RunsPerGroup(c, keyColumn, fromPartner, toPartner, info.Offset, partnerFirst, first, second, currency, count, amount, weighted));
            return result;
        }

        if (mode == RunMode.Runs && typeof(TKey) == typeof(NoKey) && narrow)
        {
            return PartnerCurrencyRuns(c, currencies, fromPartner, toPartner);
        }

        if (mode == RunMode.RunsWithExceptions && narrow && info.Cardinality * currencies <= 64)
        {
            return PartnerCategoryRuns(c, overrides!, info, currencies, fromPartner, toPartner, partnerFirst);
        }

        var size = info.Cardinality * currencies;
        var table = new PartnerKeyTable(size, currencies, wide: !narrow, packing);
        var output = new GroupBuffer(((toPartner - fromPartner) * Math.Min(size, 8)) + 16, wide: !narrow);
        var blocks = mode == RunMode.Rows && narrow && PartnerBlockScatter.Fits(size, packing) ? new PartnerBlockScatter(size, currencies, packing) : null;
        var fewKeys = mode == RunMode.Rows && PartnerFewKeySums.Fits(info.Cardinality, packing, narrow) ? new PartnerFewKeySums(currencies, packing) : null;
        var smallRows = fewKeys is null ? PartnerBlockScatter.SmallPartnerRows : PartnerFewKeySums.SmallPartnerRows;
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        var start = c.PartnerStart;
        Span<int> codes = stackalloc int[BlockRows + 8];
        Span<bool> uniform = stackalloc bool[(BlockRows / 8) + 1];
        for (var p = fromPartner; p < toPartner; p++)
        {
            var i = start[p];
            var end = start[p + 1];
            if (blocks is not null && end - i < smallRows)
            {
                // A stretch of small partners: scattered together, a block of rows at a time.
                var q = p + 1;
                while (q < toPartner && start[q + 1] - start[q] < smallRows)
                {
                    q++;
                }

                blocks.Run(c, key, p, q, output, info.Offset, partnerFirst);
                p = q - 1;
                continue;
            }

            if (i == end)
            {
                continue;
            }

            if (fewKeys is not null)
            {
                fewKeys.Add(c, key, p, output, info.Offset, partnerFirst);
                continue;
            }

            if (mode == RunMode.RunsWithExceptions)
            {
                var column = c.Category;
                for (var r = partnerRuns[p]; r < partnerRuns[p + 1]; r++)
                {
                    var k = (key.Code(runs[r]) * currencies) + c.Currency[runs[r]];
                    for (int from = runs[r], to; from < runs[r + 1]; from = to)
                    {
                        to = (int)Math.Min(runs[r + 1], (long)from + safe);
                        SumRun(ref amount0, ref basisPoints0, from, to, c.Amount.Length, out var a, out var w);
                        table.AddRun(k, to - from, a, w);
                    }

                    var mover = new TableMover(c, table);
                    MoveExceptions(column, ref mover, currencies, runs[r], runs[r + 1], k);
                }
            }
            else if (mode != RunMode.Rows)
            {
                for (var r = partnerRuns[p]; r < partnerRuns[p + 1]; r++)
                {
                    var k = (key.Code(runs[r]) * currencies) + c.Currency[runs[r]];
                    for (int from = runs[r], to; from < runs[r + 1]; from = to)
                    {
                        to = (int)Math.Min(runs[r + 1], (long)from + safe);
                        SumRun(ref amount0, ref basisPoints0, from, to, c.Amount.Length, out var a, out var w);
                        table.AddRun(k, to - from, a, w);
                    }
                }
            }
            else if (narrow || end - i <= safe)
            {
                // Chunk by chunk into the partner's small table: at most 64 indexes, eight rows at a time (keys, touched
                // bits and adds together); more, block by block (the keys first, then 64-bit sums).
                for (int n; i < end; i += n)
                {
                    if (table.IsSmall)
                    {
                        n = Math.Min(table.ChunkRows, end - i);
                        table.AddRowsSmall(c, key, i, n);
                    }
                    else
                    {
                        n = Math.Min(Math.Min(BlockRows, table.ChunkRows), end - i);
                        table.AddRows(c, key, i, n, codes, uniform);
                    }
                }
            }
            else
            {
                for (; i < end; i++)
                {
                    var x = c.Amount[i];
                    table.AddRun((key.Code(i) * currencies) + c.Currency[i], 1, x, x * c.BasisPoints[i]);
                }
            }

            table.Emit(output, p, info.Offset, partnerFirst);
        }

        return output;
    }

    /// <summary>
    /// Moves the rows of [<paramref name="from"/>, <paramref name="to"/>) whose key differs from the first row's
    /// (added under index <paramref name="k"/>) to their own index (k + difference × currencies): 32 key bytes
    /// compared per vector, so a run without exceptions costs one or two compares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MoveExceptions<TMover>(byte[] column, ref TMover mover, int currencies, int from, int to, int k)
        where TMover : struct, IRowMover
    {
        ref var column0 = ref MemoryMarshal.GetArrayDataReference(column);
        var first = Unsafe.Add(ref column0, from);
        var i = from;
        if (Vector256.IsHardwareAccelerated)
        {
            var expected = Vector256.Create(first);
            for (; i < to && i + 32 <= column.Length; i += 32)
            {
                var differs = ~Vector256.Equals(Vector256.LoadUnsafe(ref column0, (nuint)i), expected).ExtractMostSignificantBits();
                if (to - i < 32)
                {
                    differs &= (1u << (to - i)) - 1;
                }

                while (differs != 0)
                {
                    var row = i + BitOperations.TrailingZeroCount(differs);
                    mover.Move(row, k, k + ((Unsafe.Add(ref column0, row) - first) * currencies));
                    differs &= differs - 1;
                }
            }
        }

        for (; i < to; i++)
        {
            if (Unsafe.Add(ref column0, i) != first)
            {
                mover.Move(i, k, k + ((Unsafe.Add(ref column0, i) - first) * currencies));
            }
        }
    }

    /// <summary>Moves one row's count, amount and weighted value from one index of a partner's sums to another.</summary>
    internal interface IRowMover
    {
        void Move(int row, int from, int to);
    }

    /// <summary>Moves rows within a <see cref="PartnerKeyTable"/>.</summary>
    private readonly struct TableMover(PipelineColumns c, PartnerKeyTable table) : IRowMover
    {
        public void Move(int row, int from, int to)
        {
            var x = c.Amount[row];
            var w = x * c.BasisPoints[row];
            table.AddRun(from, -1, -x, -w);
            table.AddRun(to, 1, x, w);
        }
    }

    /// <summary>
    /// Partner × forecast category with 64-bit sums (at most 64 (category, currency) cells): each of a partner's runs is summed with SIMD into one 32-byte
    /// cell (amount, weighted, count) per (category, currency) under its first row's category, then the partner's
    /// rows of another category (the snapshot's <see cref="CategoryOverrides"/>) are moved to theirs, and the cells
    /// touched (a bit each, at most 64) are written in (category, currency) order — one vector add per run, no
    /// compare of categories, no branch per empty cell. The output is reserved once for the range (a group is some
    /// run's or moved row's cell, so their number bounds it) and every array is read through a reference: no call,
    /// no bounds check and no spilled array per partner (at 100,000 partners 1.96× → 1.65× the floor, at
    /// 1,000,000 4.69× → 3.19×).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static GroupBuffer PartnerCategoryRuns(PipelineColumns c, CategoryOverrides overrides, RowKeyInfo info, int currencies, int fromPartner, int toPartner, bool partnerFirst)
    {
        var size = info.Cardinality * currencies;
        var firstRun = c.PartnerRunStart[fromPartner];
        var lastRun = c.PartnerRunStart[toPartner];
        var overrideRows = overrides.Rows;
        var firstOverride = PartnerProductSums.LowerBound(overrideRows, c.PartnerStart[fromPartner]);
        var lastOverride = PartnerProductSums.LowerBound(overrideRows, c.PartnerStart[toPartner]);

        // Every group written is some run's or some moved row's cell: their number bounds the output.
        var output = new GroupBuffer((lastRun - firstRun) + (lastOverride - firstOverride), wide: false);
        var at = output.ReserveNarrow((lastRun - firstRun) + (lastOverride - firstOverride));
        var (first, second, code, count, amount, weighted) = output.NarrowColumns;
        ref var partner0 = ref MemoryMarshal.GetArrayDataReference(partnerFirst ? first : second);
        ref var key0 = ref MemoryMarshal.GetArrayDataReference(partnerFirst ? second : first);
        ref var code0 = ref MemoryMarshal.GetArrayDataReference(code);
        ref var count0 = ref MemoryMarshal.GetArrayDataReference(count);
        ref var sum0 = ref MemoryMarshal.GetArrayDataReference(amount);
        ref var weighted0 = ref MemoryMarshal.GetArrayDataReference(weighted);

        var cells = new long[size * CategoryCell];
        ref var cells0 = ref MemoryMarshal.GetArrayDataReference(cells);
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        var length = c.Amount.Length;
        ref var runs0 = ref MemoryMarshal.GetArrayDataReference(c.RunStart);
        ref var partnerRuns0 = ref MemoryMarshal.GetArrayDataReference(c.PartnerRunStart);
        ref var partnerStart0 = ref MemoryMarshal.GetArrayDataReference(c.PartnerStart);
        ref var runCategory0 = ref MemoryMarshal.GetArrayDataReference(overrides.FirstCategoryOfRun);
        ref var runCurrency0 = ref MemoryMarshal.GetArrayDataReference(overrides.CurrencyOfRun);
        ref var rows0 = ref MemoryMarshal.GetArrayDataReference(overrideRows);
        ref var from0 = ref MemoryMarshal.GetArrayDataReference(overrides.RunCategory);
        ref var to0 = ref MemoryMarshal.GetArrayDataReference(overrides.Category);
        ref var movedCurrency0 = ref MemoryMarshal.GetArrayDataReference(overrides.Currency);
        ref var movedAmount0 = ref MemoryMarshal.GetArrayDataReference(overrides.Amount);
        ref var movedWeighted0 = ref MemoryMarshal.GetArrayDataReference(overrides.Weighted);
        var e = firstOverride;
        var r = firstRun;
        for (var p = fromPartner; p < toPartner; p++)
        {
            var touched = 0UL;
            for (var runsEnd = Unsafe.Add(ref partnerRuns0, p + 1); r < runsEnd; r++)
            {
                var k = (Unsafe.Add(ref runCategory0, r) * currencies) + Unsafe.Add(ref runCurrency0, r);
                var start = Unsafe.Add(ref runs0, r);
                var end = Unsafe.Add(ref runs0, r + 1);
                var sums = SumRunPair(ref amount0, ref basisPoints0, start, end, length);
                CategoryCellAt(ref cells0, k) += Vector256.Create(sums, Vector128.CreateScalar((long)(end - start)));
                touched |= 1UL << k;
            }

            for (var rowsEnd = Unsafe.Add(ref partnerStart0, p + 1); e < lastOverride && Unsafe.Add(ref rows0, e) < rowsEnd; e++)
            {
                var moved = Vector256.Create(Unsafe.Add(ref movedAmount0, e), Unsafe.Add(ref movedWeighted0, e), 1, 0);
                int rowCurrency = Unsafe.Add(ref movedCurrency0, e);
                var moveTo = (Unsafe.Add(ref to0, e) * currencies) + rowCurrency;
                CategoryCellAt(ref cells0, (Unsafe.Add(ref from0, e) * currencies) + rowCurrency) -= moved;
                CategoryCellAt(ref cells0, moveTo) += moved;
                touched |= 1UL << moveTo;
            }

            while (touched != 0)
            {
                var k = BitOperations.TrailingZeroCount(touched);
                touched &= touched - 1;
                ref var cell = ref CategoryCellAt(ref cells0, k);
                var sums = cell;
                cell = Vector256<long>.Zero;

                // A touched cell always counts a row: a run's first row stays in its run's cell, moved rows add to theirs.
                Debug.Assert(sums[2] > 0, "A touched (category, currency) cell counts no row: the overrides moved a run's first row.");
                Unsafe.Add(ref partner0, at) = p;
                Unsafe.Add(ref key0, at) = (k / currencies) + info.Offset;
                Unsafe.Add(ref code0, at) = (byte)(k % currencies);
                Unsafe.Add(ref count0, at) = (int)sums[2];
                Unsafe.Add(ref sum0, at) = sums[0];
                Unsafe.Add(ref weighted0, at) = sums[1];
                at++;
            }
        }

        output.Shrink(at);
        return output;
    }

    private const int CategoryCell = 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref Vector256<long> CategoryCellAt(ref long cells0, int k) => ref Unsafe.As<long, Vector256<long>>(ref Unsafe.Add(ref cells0, k * CategoryCell));

    /// <summary>
    /// The partner alone with 64-bit sums: each of a partner's runs (one currency each) is summed with SIMD into
    /// one slot per currency, and the slots it touched are written in currency order — no table, no per-row work.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static GroupBuffer PartnerCurrencyRuns(PipelineColumns c, int currencies, int fromPartner, int toPartner)
    {
        var output = new GroupBuffer(((toPartner - fromPartner) * Math.Min(currencies, 2)) + 16, wide: false);
        var count = new int[currencies];
        var amount = new long[currencies];
        var weighted = new long[currencies];
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        var runs = c.RunStart;
        var partnerRuns = c.PartnerRunStart;
        var currency = c.Currency;
        for (var p = fromPartner; p < toPartner; p++)
        {
            int low = int.MaxValue, high = -1;
            for (var r = partnerRuns[p]; r < partnerRuns[p + 1]; r++)
            {
                var from = runs[r];
                var to = runs[r + 1];
                SumRun(ref amount0, ref basisPoints0, from, to, c.Amount.Length, out var a, out var w);
                int k = currency[from];
                count[k] += to - from;
                amount[k] += a;
                weighted[k] += w;
                low = Math.Min(low, k);
                high = Math.Max(high, k);
            }

            for (var k = low; k <= high; k++)
            {
                if (count[k] != 0)
                {
                    output.AddNarrow(p, 0, k, count[k], amount[k], weighted[k]);
                    count[k] = 0;
                    amount[k] = 0;
                    weighted[k] = 0;
                }
            }
        }

        return output;
    }

    /// <summary>Partner × stage over unique runs: one entry per run, summed with SIMD, written at index run − first run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunsPerGroup(PipelineColumns c, byte[] keyColumn, int fromPartner, int toPartner, int offset, bool partnerFirst, int[] first, int[] second, byte[] currency, int[] count, long[] amount, long[] weighted)
    {
        var partnerRuns = c.PartnerRunStart;
        var firstRun = partnerRuns[fromPartner];
        var lastRun = partnerRuns[toPartner];
        if (lastRun - firstRun > first.Length || c.RunStart.Length < lastRun + 1)
        {
            throw new ArgumentException("Output too small for the runs.", nameof(first));
        }

        var length = c.Amount.Length;
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        ref var key0 = ref MemoryMarshal.GetArrayDataReference(keyColumn);
        ref var currencyIn0 = ref MemoryMarshal.GetArrayDataReference(c.Currency);
        ref var runs0 = ref MemoryMarshal.GetArrayDataReference(c.RunStart);
        ref var partnerFirst0 = ref MemoryMarshal.GetArrayDataReference(partnerFirst ? first : second);
        ref var other0 = ref MemoryMarshal.GetArrayDataReference(partnerFirst ? second : first);
        ref var currency0 = ref MemoryMarshal.GetArrayDataReference(currency);
        ref var count0 = ref MemoryMarshal.GetArrayDataReference(count);
        ref var sum0 = ref MemoryMarshal.GetArrayDataReference(amount);
        ref var weighted0 = ref MemoryMarshal.GetArrayDataReference(weighted);

        // The partner of each run: fill the partner column partner by partner.
        for (var p = fromPartner; p < toPartner; p++)
        {
            for (var r = partnerRuns[p]; r < partnerRuns[p + 1]; r++)
            {
                Unsafe.Add(ref partnerFirst0, r - firstRun) = p;
            }
        }

        var from = Unsafe.Add(ref runs0, firstRun);
        for (var r = firstRun; r < lastRun; r++)
        {
            var to = Unsafe.Add(ref runs0, r + 1);
            SumRun(ref amount0, ref basisPoints0, from, to, length, out var a, out var w);
            var j = r - firstRun;
            Unsafe.Add(ref other0, j) = Unsafe.Add(ref key0, from) + offset;
            Unsafe.Add(ref currency0, j) = Unsafe.Add(ref currencyIn0, from);
            Unsafe.Add(ref count0, j) = to - from;
            Unsafe.Add(ref sum0, j) = a;
            Unsafe.Add(ref weighted0, j) = w;
            from = to;
        }
    }

    private const int BlockRows = 512;

    /// <summary>
    /// Σ amount and Σ amount × basis points over rows [<paramref name="from"/>, <paramref name="to"/>)
    /// with 256-bit vectors. The last partial block is read as a full block with the lanes past
    /// <paramref name="to"/> masked to zero (when the columns extend that far), so short runs need no
    /// scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumRun(ref long amount0, ref ushort basisPoints0, int from, int to, int length, out long amount, out long weighted)
    {
        var sums = SumRunPair(ref amount0, ref basisPoints0, from, to, length);
        amount = sums.ToScalar();
        weighted = sums.GetElement(1);
    }

    /// <summary>
    /// <see cref="SumRun"/>'s two sums as one vector (Σ amount, Σ amount × basis points): the two accumulators are
    /// reduced together (unpacked and added), half the work of reducing each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<long> SumRunPair(ref long amount0, ref ushort basisPoints0, int from, int to, int length)
    {
        if (!Avx2.IsSupported)
        {
            SumRunScalar(ref amount0, ref basisPoints0, from, to, out var a, out var w);
            return Vector128.Create(a, w);
        }

        var i = (nuint)from;
        var last = (nuint)to;
        var va = Vector256<long>.Zero;
        var vw = Vector256<long>.Zero;
        for (; i + 8 <= last; i += 8)
        {
            var x0 = Vector256.LoadUnsafe(ref amount0, i);
            var x1 = Vector256.LoadUnsafe(ref amount0, i + 4);
            var (p0, p1) = Vector128.Widen(Vector128.LoadUnsafe(ref basisPoints0, i));
            va += x0 + x1;
            vw += (x0 * Vector256.WidenLower(p0.ToVector256Unsafe()).AsInt64()) + (x1 * Vector256.WidenLower(p1.ToVector256Unsafe()).AsInt64());
        }

        var rest = (long)(last - i);
        if (rest > 0)
        {
            if ((long)i + 8 <= length)
            {
                var count = Vector256.Create(rest);
                var x0 = Vector256.LoadUnsafe(ref amount0, i) & Vector256.LessThan(Vector256<long>.Indices, count);
                var x1 = Vector256.LoadUnsafe(ref amount0, i + 4) & Vector256.LessThan(Vector256<long>.Indices + Vector256.Create(4L), count);
                var (p0, p1) = Vector128.Widen(Vector128.LoadUnsafe(ref basisPoints0, i));
                va += x0 + x1;
                vw += (x0 * Vector256.WidenLower(p0.ToVector256Unsafe()).AsInt64()) + (x1 * Vector256.WidenLower(p1.ToVector256Unsafe()).AsInt64());
            }
            else
            {
                SumRunScalar(ref amount0, ref basisPoints0, (int)i, to, out var a, out var w);
                va += Vector256.CreateScalar(a);
                vw += Vector256.CreateScalar(w);
            }
        }

        var halves = Avx2.UnpackLow(va, vw) + Avx2.UnpackHigh(va, vw);
        return halves.GetLower() + halves.GetUpper();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumRunScalar(ref long amount0, ref ushort basisPoints0, int from, int to, out long amount, out long weighted)
    {
        long a = 0, w = 0;
        for (var i = from; i < to; i++)
        {
            var x = Unsafe.Add(ref amount0, i);
            a += x;
            w += x * Unsafe.Add(ref basisPoints0, i);
        }

        amount = a;
        weighted = w;
    }

    private readonly struct FlatOuterConsumer(PipelineSnapshot snapshot, PipelineDimension? second, int maxWorkers, bool firstIsStage) : IRowKeyConsumer<GroupBuffer>
    {
        public GroupBuffer Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey =>
            WithKey<GroupBuffer, FlatInnerConsumer<TKey>>(snapshot, second, new FlatInnerConsumer<TKey>(snapshot, key, info, maxWorkers, firstIsStage));
    }

    private readonly struct FlatInnerConsumer<TFirst>(PipelineSnapshot snapshot, TFirst first, RowKeyInfo firstInfo, int maxWorkers, bool firstIsStage) : IRowKeyConsumer<GroupBuffer>
        where TFirst : struct, IRowKey
    {
        public GroupBuffer Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey
        {
            var c = snapshot.Columns;
            var currencies = Math.Max(1, snapshot.Dictionaries.Currencies.Length);
            var size = (long)firstInfo.Cardinality * info.Cardinality * currencies;
            if (size > MaxTableSize)
            {
                return FlatDictionary(c, first, firstInfo, key, info, currencies);
            }

            var workers = Workers(snapshot.Count, maxWorkers);
            var safe = (int)SafeRows(snapshot.MaxAmount);
            var overRuns = typeof(TKey) == typeof(NoKey) && (typeof(TFirst) == typeof(NoKey) || firstIsStage);
            var tables = new GroupTable[workers];
            var rows = snapshot.Count;
            var f = first;
            var fi = firstInfo;
            var s = key;
            var si = info;
            var secondCardinality = info.Cardinality;
            if (overRuns)
            {
                // Stage alone or the total: sum the clustered index's runs.
                var runCount = c.RunStart.Length - 1;
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
                    tables[w] = FlatRuns(c, f, currencies, (int)size, safe, (int)((long)runCount * w / workers), (int)((long)runCount * (w + 1) / workers)));
            }
            else
            {
                return FlatDictionary(c, f, fi, s, si, currencies);
            }

            var total = tables[0];
            for (var w = 1; w < workers; w++)
            {
                total.Add(tables[w]);
            }

            var output = new GroupBuffer(16, wide: true);
            for (var k = 0; k < size; k++)
            {
                if (total.Count[k] != 0)
                {
                    var pair = k / currencies;
                    output.Add((pair / secondCardinality) + firstInfo.Offset, (pair % secondCardinality) + info.Offset, k % currencies, (int)total.Count[k], total.Amount[k], total.Weighted[k]);
                }
            }

            return output;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static GroupTable FlatRuns<TFirst>(PipelineColumns c, TFirst first, int currencies, int size, int safe, int fromRun, int toRun)
        where TFirst : struct, IRowKey
    {
        var result = new GroupTable(size);
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        var runs = c.RunStart;
        for (var r = fromRun; r < toRun; r++)
        {
            var k = (first.Code(runs[r]) * currencies) + c.Currency[runs[r]];
            for (int from = runs[r], to; from < runs[r + 1]; from = to)
            {
                to = (int)Math.Min(runs[r + 1], (long)from + safe);
                SumRun(ref amount0, ref basisPoints0, from, to, c.Amount.Length, out var a, out var w);
                result.Count[k] += to - from;
                result.Amount[k] += a;
                result.Weighted[k] += w;
            }
        }

        return result;
    }

    /// <summary>Fallback for huge key spaces (e.g. region × product line with thousands of each): a dictionary, one thread.</summary>
    private static GroupBuffer FlatDictionary<TFirst, TSecond>(PipelineColumns c, TFirst first, RowKeyInfo firstInfo, TSecond second, RowKeyInfo secondInfo, int currencies)
        where TFirst : struct, IRowKey
        where TSecond : struct, IRowKey
    {
        var sums = new Dictionary<long, (long Count, Int128 Amount, Int128 Weighted)>();
        for (var i = 0; i < c.Count; i++)
        {
            var k = ((((long)first.Code(i) * secondInfo.Cardinality) + second.Code(i)) * currencies) + c.Currency[i];
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, k, out _);
            entry.Count++;
            entry.Amount += c.Amount[i];
            entry.Weighted += (Int128)c.Amount[i] * c.BasisPoints[i];
        }

        var output = new GroupBuffer(sums.Count, wide: true);
        foreach (var k in sums.Keys.Order())
        {
            var (n, a, w) = sums[k];
            var pair = k / currencies;
            output.Add((int)(pair / secondInfo.Cardinality) + firstInfo.Offset, (int)(pair % secondInfo.Cardinality) + secondInfo.Offset, (int)(k % currencies), (int)n, a, w);
        }

        return output;
    }
}
