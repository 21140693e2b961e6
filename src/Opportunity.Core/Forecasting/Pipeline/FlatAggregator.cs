using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Opportunity.Forecasting;

/// <summary>
/// Groupings without the partner: rows are scattered into one small table per thread keyed by the
/// raw column codes (regions and product lines from the snapshot's label byte columns where they fit a byte; months,
/// quarters and fiscal years from its period byte columns, months folded into
/// them after the scan where periods do not fit a byte), replicated up to four ways so consecutive rows
/// with the same key do not wait on each other. Keys are computed eight rows at a time in a vector and the
/// rows added straight from it; a row's count and amount share one packed cell (<see cref="PackedCount"/>).
/// </summary>
internal static class FlatAggregator
{
    // How far ahead of the rows being scattered their amount and probability lines are asked for (the scatter's stores
    // keep the hardware's prefetch from running far enough ahead: 5 % less CPU for the pairs, 256 to 1,024 rows alike).
    private const int PrefetchRows = 256;

    private const int EntryShift = 1;
    private const int EntryLongs = 1 << EntryShift;
    private const int MaxTableSize = 1 << 18;

    /// <summary>
    /// A dimension read from one column: raw code = value − minimum, folded to the dimension's
    /// absolute code by <see cref="Fold"/>. The column is typed explicitly: the runtime lets a
    /// <c>short[]</c> pass as a <c>ushort[]</c>, so type patterns cannot tell them apart.
    /// </summary>
    private sealed record RawDimension(byte[]? Bytes, ushort[]? Words, short[]? Shorts, int Minimum, int Cardinality, int[] Fold);

    /// <summary>Null when the raw key space is too large for a table (the caller falls back).</summary>
    public static GroupBuffer? Aggregate(PipelineSnapshot snapshot, PipelineDimension? firstDimension, PipelineDimension? secondDimension, int workers, int safe)
    {
        var c = snapshot.Columns;
        var first = Raw(snapshot, firstDimension);
        var second = Raw(snapshot, secondDimension);
        var currencies = Math.Max(1, snapshot.Dictionaries.Currencies.Length);
        var size = (long)first.Cardinality * second.Cardinality * currencies;
        if (size > MaxTableSize)
        {
            return null;
        }

        var tables = new GroupTable[workers];
        var rows = c.Count;
        var packing = new PackedCount(snapshot.MaxAmount, safe);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            tables[w] = Scan(c, first, second, currencies, (int)size, packing, (int)((long)rows * w / workers), (int)((long)rows * (w + 1) / workers)));
        for (var w = 1; w < workers; w++)
        {
            tables[0].Add(tables[w]);
        }

        // Fold raw codes into dimension codes (months into quarters or years) and emit in order.
        var folded = new SortedDictionary<(int First, int Second, int Currency), (long Count, Int128 Amount, Int128 Weighted)>();
        var total = tables[0];
        for (var k = 0; k < size; k++)
        {
            if (total.Count[k] == 0)
            {
                continue;
            }

            var pair = k / currencies;
            var key = (first.Fold[pair / second.Cardinality], second.Fold[pair % second.Cardinality], k % currencies);
            folded.TryGetValue(key, out var sums);
            folded[key] = (sums.Count + total.Count[k], sums.Amount + total.Amount[k], sums.Weighted + total.Weighted[k]);
        }

        var output = new GroupBuffer(folded.Count, wide: true);
        foreach (var ((a, b, currency), (n, amount, weighted)) in folded)
        {
            output.Add(a, b, currency, (int)n, amount, weighted);
        }

        return output;
    }

    private static RawDimension Raw(PipelineSnapshot snapshot, PipelineDimension? dimension)
    {
        var c = snapshot.Columns;
        var d = snapshot.Dictionaries;
        return dimension switch
        {
            null => new RawDimension(null, null, null, 0, 1, [0]),
            PipelineDimension.Stage => new RawDimension(c.Stage, null, null, 0, Math.Max(1, d.Stages.Length), Identity(Math.Max(1, d.Stages.Length))),
            PipelineDimension.ForecastCategory => new RawDimension(c.Category, null, null, 0, 5, Identity(5)),
            PipelineDimension.Region => Labels(snapshot, PipelineDimension.Region, c.Region, d.Regions.Length),
            PipelineDimension.ProductLine => Labels(snapshot, PipelineDimension.ProductLine, c.ProductLine, d.ProductLines.Length),
            PipelineDimension.CloseMonth => Period(snapshot, PeriodKind.Month),
            PipelineDimension.CloseQuarter => Period(snapshot, PeriodKind.Quarter),
            PipelineDimension.CloseFiscalYear => Period(snapshot, PeriodKind.FiscalYear),
            _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Not a column dimension."),
        };

        static RawDimension Labels(PipelineSnapshot snapshot, PipelineDimension dimension, ushort[] words, int cardinality) =>
            snapshot.LabelBytes(dimension) is { } bytes
                ? new RawDimension(bytes, null, null, 0, cardinality, Identity(cardinality))
                : new RawDimension(null, words, null, 0, cardinality, Identity(cardinality));

        static int[] Identity(int cardinality) => [.. Enumerable.Range(0, cardinality)];
    }

    /// <summary>
    /// A period dimension: the snapshot's period byte column where the periods fit a byte (built once, kept; a byte a row
    /// to read instead of two, and a table of periods rather than months), otherwise the month folded after the scan.
    /// </summary>
    private static RawDimension Period(PipelineSnapshot snapshot, PeriodKind kind)
    {
        var (map, first) = snapshot.PeriodMap(kind);
        return map[^1] <= byte.MaxValue
            ? new RawDimension(snapshot.PeriodColumn(kind, map), null, null, 0, map[^1] + 1, [.. Enumerable.Range(first, map[^1] + 1)])
            : new RawDimension(null, null, snapshot.Columns.Month, snapshot.MinMonthCode, map.Length, [.. map.Select(p => p + first)]);
    }

    private static GroupTable Scan(PipelineColumns c, RawDimension first, RawDimension second, int currencies, int size, PackedCount packing, int from, int to) =>
        WithColumn<GroupTable, OuterScan>(first, new OuterScan(c, second, currencies, size, packing, from, to));

    /// <summary>Calls the consumer with the dimension's column as a struct key (raw code: value − minimum).</summary>
    private static TResult WithColumn<TResult, TConsumer>(RawDimension dimension, TConsumer consumer)
        where TConsumer : IRowKeyConsumer<TResult>
    {
        var info = new RowKeyInfo(dimension.Cardinality, 0);
        if (dimension.Bytes is { } bytes)
        {
            return consumer.Consume(new ByteKey(bytes), info);
        }

        if (dimension.Words is { } words)
        {
            return consumer.Consume(new UShortKey(words), info);
        }

        return dimension.Shorts is { } shorts
            ? consumer.Consume(new MonthKey(shorts, dimension.Minimum), info)
            : consumer.Consume(default(NoKey), info);
    }

    private readonly struct OuterScan(PipelineColumns c, RawDimension second, int currencies, int size, PackedCount packing, int from, int to) : IRowKeyConsumer<GroupTable>
    {
        public GroupTable Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey =>
            WithColumn<GroupTable, InnerScan<TKey>>(second, new InnerScan<TKey>(c, key, currencies, size, packing, from, to));
    }

    private readonly struct InnerScan<TFirst>(PipelineColumns c, TFirst first, int currencies, int size, PackedCount packing, int from, int to) : IRowKeyConsumer<GroupTable>
        where TFirst : struct, IRowKey
    {
        public GroupTable Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey => ScanRows(c, first, key, info.Cardinality, currencies, size, packing, from, to);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static GroupTable ScanRows<TFirst, TSecond>(PipelineColumns c, TFirst first, TSecond second, int secondCardinality, int currencies, int size, PackedCount packing, int from, int to)
        where TFirst : struct, IRowKey
        where TSecond : struct, IRowKey
    {
        var result = new GroupTable(size);

        // One 16-byte entry (count and amount packed, weighted) per key and replica: a row updates it
        // with one vector add. Replicas only while the table stays in the L1 cache.
        var shift = size <= 512 ? 2 : size <= 1024 ? 1 : 0;
        var table = new long[(size << shift) * EntryLongs];
        for (int chunk = from, chunkEnd; chunk < to; chunk = chunkEnd)
        {
            chunkEnd = (int)Math.Min((long)chunk + packing.ChunkRows, to);
            Scatter(c, first, second, secondCardinality, currencies, shift, chunk, chunkEnd, table, packing.Unit);

            for (var e = 0; e < table.Length; e += EntryLongs)
            {
                if (table[e] != 0)
                {
                    var k = (e / EntryLongs) >> shift;
                    result.Count[k] += packing.Count(table[e]);
                    result.Amount[k] += packing.Amount(table[e]);
                    result.Weighted[k] += table[e + 1];
                    table[e] = 0;
                    table[e + 1] = 0;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Adds rows [<paramref name="from"/>, <paramref name="to"/>) at their entries, eight at a time: the eight keys
    /// ((first · |second| + second) · currencies + currency) are computed in a vector and the rows added straight
    /// from it — one update when the eight share a key (rows are clustered by partner, stage and currency, so keys that
    /// follow the partner or the stage, such as region and forecast category, come in runs), otherwise a vector add per
    /// row at (key · replicas + lane mod replicas) · entry size. No array of codes is written and read back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Scatter<TFirst, TSecond>(PipelineColumns c, TFirst first, TSecond second, int secondCardinality, int currencies, int shift, int from, int to, long[] table, long unit)
        where TFirst : struct, IRowKey
        where TSecond : struct, IRowKey
    {
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        ref var table0 = ref MemoryMarshal.GetArrayDataReference(table);
        var currency = c.Currency;
        var mask = (1 << shift) - 1;
        var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) & Vector256.Create(mask);

        // (key · replicas + lane mod replicas) · entry size, as one shift and one or: replicas and the entry size are powers of two.
        var entryShift = Vector128.CreateScalar(shift + EntryShift);
        var laneOffsets = lanes << EntryShift;
        var units = Vector256.Create(unit);
        var secondCount = Vector256.Create(secondCardinality);
        var currencyCount = Vector256.Create(currencies);
        Span<int> offsets = stackalloc int[8];
        ref var offsets0 = ref MemoryMarshal.GetReference(offsets);
        var i = from;
        for (; Avx2.IsSupported && i + 8 <= to; i += 8)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref amount0, i + PrefetchRows)));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref basisPoints0, i + PrefetchRows)));

            var k = (((first.Codes8(i) * secondCount) + second.Codes8(i)) * currencyCount) + ByteKey.Widen8(currency, i);
            var entries = Avx2.ShiftLeftLogical(k, entryShift) | laneOffsets;
            if (PackedScatter.AllOneKey(k))
            {
                PackedScatter.AddEightOfOneKey(ref Unsafe.Add(ref amount0, i), ref Unsafe.Add(ref basisPoints0, i), ref table0, entries.ToScalar(), unit);
            }
            else
            {
                PackedScatter.AddEight(ref Unsafe.Add(ref amount0, i), ref Unsafe.Add(ref basisPoints0, i), ref table0, entries, ref offsets0, units);
            }
        }

        for (; i < to; i++)
        {
            var code = ((((((first.Code(i) * secondCardinality) + second.Code(i)) * currencies) + currency[i]) << shift) | (i & mask)) * EntryLongs;
            PackedScatter.Add(ref table0, code, c.Amount[i], c.BasisPoints[i], unit);
        }
    }
}
