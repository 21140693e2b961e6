using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Opportunity.Forecasting;

/// <summary>
/// Partner × product in one pass per partner, where the products (with <c>(none)</c>) are at most
/// <see cref="PartnerFewKeySums.MaxKeys"/>: the partner's rows summed as <c>(none)</c>, then its parts
/// (<see cref="ProductParts"/>, which carry their deal's basis points) added under their products in registers, eight
/// parts at a time (a compare and two masked adds per product, as <see cref="PartnerFewKeySums"/> does for rows), and
/// each deal with lines taken out of <c>(none)</c> by its parts' sums (they add up to its amount). No table, no merge of
/// two outputs, and no read of the deal columns at the parts: the correction of the general path
/// (<see cref="ProductAggregator"/>: the partner grouping, then the parts through <see cref="LineSums"/> and
/// <see cref="ProductMerger"/>) cost about 5 ns a part. Partners in several currencies, or with more parts than a packed
/// cell holds, are summed one part at a time into per-currency sums.
/// </summary>
internal static class PartnerProductSums
{
    // How far ahead the amounts (of the rows, and of the parts) and the rows' basis points are asked for, as in
    // PartnerFewKeySums: a partner's loops end every few vectors.
    private const int PrefetchAhead = 512;

    /// <summary>Whether the snapshot's partner × product can be summed so: few products, narrow sums, AVX-512.</summary>
    public static bool Fits(PipelineSnapshot snapshot, PackedCount packing, bool narrow) =>
        narrow && snapshot.Dictionaries.Products.Length <= PartnerFewKeySums.MaxKeys && packing.ChunkRows >= 64 && PartnerFewKeySums.IsSupported;

    /// <summary>Partner × product: the partners split among the workers as for the other partner groupings, a buffer each.</summary>
    public static GroupBuffer[] ByPartner(PipelineSnapshot snapshot, PackedCount packing, int maxWorkers)
    {
        var bounds = PipelineAggregator.PartnerBounds(snapshot.Columns, PipelineAggregator.Workers(snapshot.Count, maxWorkers));
        var result = new GroupBuffer[bounds.Length - 1];
        Parallel.For(0, result.Length, new ParallelOptions { MaxDegreeOfParallelism = result.Length }, w =>
            result[w] = Partners(snapshot, packing, bounds[w], bounds[w + 1]));
        return result;
    }

    /// <summary>The groups of partners [<paramref name="fromPartner"/>, <paramref name="toPartner"/>), partner first, products in code order, then currencies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static GroupBuffer Partners(PipelineSnapshot snapshot, PackedCount packing, int fromPartner, int toPartner)
    {
        var c = snapshot.Columns;
        var parts = snapshot.Products;
        var start = c.PartnerStart;
        var currencies = Math.Max(1, snapshot.Dictionaries.Currencies.Length);
        var output = new GroupBuffer(((toPartner - fromPartner) * PartnerFewKeySums.MaxKeys) + 16, wide: false);
        var sums = new long[currencies * PartnerFewKeySums.SumsPerCurrency];
        var touched = new ulong[(currencies + 63) >> 6];
        var chunk = packing.ChunkRows;
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        var e = LowerBound(parts.Row, start[fromPartner]);
        for (var p = fromPartner; p < toPartner; p++)
        {
            var from = start[p];
            var to = start[p + 1];
            if (from == to)
            {
                continue;
            }

            var end = PartsEnd(parts.Row, e, to);

            if (c.OneCurrency[p] && end - e <= chunk)
            {
                // The usual partner: the rows' sums as (none), the parts' per product, (none) less what has lines.
                var (amount, weighted) = SumRows(ref amount0, ref basisPoints0, from, to, c.Count);
                SumParts(parts, e, end, packing, new PartnerSink(output, p, c.Currency[from], to - from, amount, weighted));
            }
            else
            {
                AddPartner(c, parts, p, e, end, sums, touched);
                PartnerFewKeySums.EmitInIndexOrder(output, sums, touched, p, 0, partnerFirst: true);
            }

            e = end;
        }

        return output;
    }

    /// <summary>
    /// Product alone: the total per currency (<paramref name="plain"/>, narrow, one entry per currency) as (none), each
    /// partner's parts added per product in registers (into its currency's sums; a partner in several currencies one
    /// part at a time), and (none) less the deals with lines. Groups in product order, then currency.
    /// </summary>
    public static GroupBuffer ProductAlone(PipelineSnapshot snapshot, PackedCount packing, GroupBuffer[] plain)
    {
        var c = snapshot.Columns;
        var parts = snapshot.Products;
        var start = c.PartnerStart;
        var currencies = Math.Max(1, snapshot.Dictionaries.Currencies.Length);
        var sums = new long[currencies * PartnerFewKeySums.SumsPerCurrency];
        var deals = new long[currencies];
        var chunk = packing.ChunkRows;
        var p = 0;
        for (var e = 0; e < parts.Count;)
        {
            // The partner of the next part (few partners are skipped: a search only when they are many), and its parts.
            var row = parts.Row[e];
            p = start[p + 1] > row ? p : start[p + 2] > row ? p + 1 : ProductAggregator.UpperBound(start, row) - 1;
            var end = PartsEnd(parts.Row, e, start[p + 1]);
            if (c.OneCurrency[p])
            {
                var sink = new CurrencySink(sums, deals, c.Currency[row]);
                for (int from = e, to; from < end; from = to)
                {
                    to = Math.Min(end, from + chunk);
                    SumParts(parts, from, to, packing, sink);
                }
            }
            else
            {
                AddPartsOneByOne(c, parts, e, end, sums, deals);
            }

            e = end;
        }

        // The total per currency, as (none).
        var plainCount = new long[currencies];
        var plainAmount = new long[currencies];
        var plainWeighted = new long[currencies];
        foreach (var buffer in plain)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                plainCount[buffer.Currency(i)] += buffer.Count(i);
                plainAmount[buffer.Currency(i)] += (long)buffer.Amount(i);
                plainWeighted[buffer.Currency(i)] += (long)buffer.Weighted(i);
            }

            buffer.Release();
        }

        const int Amounts = PartnerFewKeySums.MaxKeys;
        const int Weighted = 2 * PartnerFewKeySums.MaxKeys;
        var products = snapshot.Dictionaries.Products.Length;
        var output = new GroupBuffer(products * currencies, wide: false);
        for (var q = 0; q < products; q++)
        {
            for (var currency = 0; currency < currencies; currency++)
            {
                var at = currency * PartnerFewKeySums.SumsPerCurrency;
                var (count, amount, weighted) = (sums[at + q], sums[at + Amounts + q], sums[at + Weighted + q]);
                if (q == 0)
                {
                    // (none): the total less the deals with lines, which their parts (under any other product) add up to.
                    count += plainCount[currency] - deals[currency];
                    amount += plainAmount[currency];
                    weighted += plainWeighted[currency];
                    // (Parts of product 0 itself are in the lane already, beside the total that holds their deals.)
                    for (var other = 0; other < PartnerFewKeySums.MaxKeys; other++)
                    {
                        amount -= sums[at + Amounts + other];
                        weighted -= sums[at + Weighted + other];
                    }
                }

                if (count != 0)
                {
                    output.AddNarrow(q, 0, currency, (int)count, amount, weighted);
                }
            }
        }

        return output;
    }

    /// <summary>The first part from <paramref name="from"/> on whose row is <paramref name="rowEnd"/> or later: eight rows compared at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PartsEnd(int[] rows, int from, int rowEnd)
    {
        ref var row0 = ref MemoryMarshal.GetArrayDataReference(rows);
        var end = from;
        var bound = Vector256.Create(rowEnd);
        for (; end + 8 <= rows.Length; end += 8)
        {
            var later = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref row0, (nuint)end), bound).ExtractMostSignificantBits();
            if (later != 0)
            {
                return end + BitOperations.TrailingZeroCount(later);
            }
        }

        while (end < rows.Length && rows[end] < rowEnd)
        {
            end++;
        }

        return end;
    }

    /// <summary>Σ amount and Σ amount × basis points of rows [<paramref name="from"/>, <paramref name="to"/>), eight rows a vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (long Amount, long Weighted) SumRows(ref long amount0, ref ushort basisPoints0, int from, int to, int count)
    {
        var amounts = Vector512<long>.Zero;
        var weighted = Vector512<long>.Zero;
        var i = from;
        var left = Vector512.Create((long)(to - from));
        var eight = Vector512.Create(8L);
        for (var vectorEnd = Math.Min(to, count - 7); i < vectorEnd; i += 8)
        {
            // The lanes past the partner's rows (in its last vector) add nothing.
            var amount = Vector512.ConditionalSelect(Vector512.LessThan(Vector512<long>.Indices, left), Vector512.LoadUnsafe(ref amount0, (nuint)i), Vector512<long>.Zero);
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref amount0, i + PrefetchAhead)));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref basisPoints0, i + PrefetchAhead)));
            amounts += amount;
            weighted += amount * Avx512F.ConvertToVector512Int64(Vector128.LoadUnsafe(ref basisPoints0, (nuint)i));
            left -= eight;
        }

        var (a, w) = (Vector512.Sum(amounts), Vector512.Sum(weighted));
        for (; i < to; i++)
        {
            var amount = Unsafe.Add(ref amount0, i);
            a += amount;
            w += amount * Unsafe.Add(ref basisPoints0, i);
        }

        return (a, w);
    }

    /// <summary>
    /// Hands <paramref name="sink"/> the sums of parts [<paramref name="from"/>, <paramref name="to"/>) (at most a chunk)
    /// per product (lane q: product q; a deal counts once per product it has) and how many deals they belong to.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SumParts<TSink>(ProductParts parts, int from, int to, PackedCount packing, TSink sink)
        where TSink : struct, IPartSums
    {
        ref var row0 = ref MemoryMarshal.GetArrayDataReference(parts.Row);
        ref var product0 = ref MemoryMarshal.GetArrayDataReference(parts.Product);
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(parts.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(parts.BasisPoints);
        var unit = Vector512.Create(packing.Unit);
        var one = Vector512.Create(1L);
        Vector512<long> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<long> w0 = default, w1 = default, w2 = default, w3 = default, w4 = default, w5 = default, w6 = default, w7 = default;
        var deals = Vector512<long>.Zero;
        var i = from;
        var vectorEnd = Math.Min(to, parts.Count - 7);

        // As in PartnerFewKeySums: the lanes past the partner's parts take a product no sum has.
        var left = Vector512.Create((long)(to - from));
        var eight = Vector512.Create(8L);
        var none = Vector512.Create((long)PartnerFewKeySums.MaxKeys);
        while (i < vectorEnd)
        {
            var real = Vector512.LessThan(Vector512<long>.Indices, left);
            var rows = Avx512F.ConvertToVector512Int64(Vector256.LoadUnsafe(ref row0, (nuint)i));
            var products = Avx512F.ConvertToVector512Int64(Vector128.LoadUnsafe(ref product0, (nuint)i));

            // Each part against the one before it: a new deal, or a new product of the deal (the same product twice in
            // a deal, adjacent after sorting, counts the deal once). The very first part has none before it.
            var (previousRows, previousProducts) = i > 0
                ? (Avx512F.ConvertToVector512Int64(Vector256.LoadUnsafe(ref row0, (nuint)(i - 1))), Avx512F.ConvertToVector512Int64(Vector128.LoadUnsafe(ref product0, (nuint)(i - 1))))
                : (Avx512F.PermuteVar8x64(rows, Vector512.Create(0L, 0, 1, 2, 3, 4, 5, 6)).WithElement(0, -1L), Avx512F.PermuteVar8x64(products, Vector512.Create(0L, 0, 1, 2, 3, 4, 5, 6)));
            var newDeal = ~Vector512.Equals(rows, previousRows) & real;
            var counted = newDeal | ~Vector512.Equals(products, previousProducts);
            var k = Vector512.ConditionalSelect(real, products, none);
            var amount = Vector512.LoadUnsafe(ref amount0, (nuint)i);
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref amount0, i + PrefetchAhead)));
            var weighted = amount * Avx512F.ConvertToVector512Int64(Vector128.LoadUnsafe(ref basisPoints0, (nuint)i));
            var packed = amount + (unit & counted);
            deals += one & newDeal;
            left -= eight;

            PartnerFewKeySums.AddToValues(k, packed, weighted, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref w0, ref w1, ref w2, ref w3, ref w4, ref w5, ref w6, ref w7);
            i += 8;
        }

        var cells = PartnerFewKeySums.SumLanes(a0, a1, a2, a3, a4, a5, a6, a7);
        var sums = new PartnerFewKeySums.KeySums(Vector512.ShiftRightLogical(cells, packing.SumBits), cells & Vector512.Create(packing.Unit - 1), PartnerFewKeySums.SumLanes(w0, w1, w2, w3, w4, w5, w6, w7));
        var dealCount = Vector512.Sum(deals);
        if (i < to)
        {
            (sums, dealCount) = PlusParts(sums, dealCount, parts, i, to);
        }

        sink.Take(sums, dealCount);
    }

    /// <summary>Receives the sums of a stretch of parts (a struct, so that the call is inlined).</summary>
    private interface IPartSums
    {
        void Take(PartnerFewKeySums.KeySums sums, long deals);
    }

    /// <summary>Writes a partner's groups: its parts' sums per product, and under (none) its rows' sums less its deals with lines.</summary>
    private readonly struct PartnerSink(GroupBuffer output, int partner, int currency, int rowCount, long rowsAmount, long rowsWeighted) : IPartSums
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Take(PartnerFewKeySums.KeySums sums, long deals)
        {
            // (none): the rows less the deals with lines, which the parts add up to (added to lane 0 alone).
            var groups = new PartnerFewKeySums.KeySums(
                sums.Counts + Vector512.CreateScalar(rowCount - deals),
                sums.Amounts + Vector512.CreateScalar(rowsAmount - Vector512.Sum(sums.Amounts)),
                sums.Weighted + Vector512.CreateScalar(rowsWeighted - Vector512.Sum(sums.Weighted)));
            PartnerFewKeySums.Emit(output, groups, currency, partner, 0, partnerFirst: true);
        }
    }

    /// <summary>Adds a stretch's sums to one currency's (counts, amounts, weighted sums per product) and its deals to that currency's.</summary>
    private readonly struct CurrencySink(long[] sums, long[] deals, int currency) : IPartSums
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Take(PartnerFewKeySums.KeySums stretch, long dealCount)
        {
            stretch.AddTo(sums.AsSpan(currency * PartnerFewKeySums.SumsPerCurrency));
            deals[currency] += dealCount;
        }
    }

    /// <summary>The sums with parts [<paramref name="from"/>, <paramref name="to"/>) added one by one (the parts' last few, too near their end for a whole vector).</summary>
    private static (PartnerFewKeySums.KeySums Sums, long Deals) PlusParts(PartnerFewKeySums.KeySums sums, long deals, ProductParts parts, int from, int to)
    {
        Span<long> lanes = stackalloc long[PartnerFewKeySums.SumsPerCurrency];
        sums.CopyTo(lanes);
        for (var i = from; i < to; i++)
        {
            var newDeal = i == 0 || parts.Row[i - 1] != parts.Row[i];
            int q = parts.Product[i];
            lanes[q] += newDeal || parts.Product[i - 1] != q ? 1 : 0;
            lanes[PartnerFewKeySums.MaxKeys + q] += parts.Amount[i];
            lanes[(2 * PartnerFewKeySums.MaxKeys) + q] += parts.Amount[i] * parts.BasisPoints[i];
            deals += newDeal ? 1 : 0;
        }

        return (PartnerFewKeySums.KeySums.From(lanes), deals);
    }

    /// <summary>A partner in several currencies or with many parts: its rows and parts one currency run and one part at a time.</summary>
    private static void AddPartner(PipelineColumns c, ProductParts parts, int partner, int from, int to, long[] sums, ulong[] touched)
    {
        const int Amounts = PartnerFewKeySums.MaxKeys;
        const int Weighted = 2 * PartnerFewKeySums.MaxKeys;
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        var runs = c.RunStart;
        for (var r = c.PartnerRunStart[partner]; r < c.PartnerRunStart[partner + 1]; r++)
        {
            int currency = c.Currency[runs[r]];
            var at = currency * PartnerFewKeySums.SumsPerCurrency;
            var run = PipelineAggregator.SumRunPair(ref amount0, ref basisPoints0, runs[r], runs[r + 1], c.Count);
            sums[at] += runs[r + 1] - runs[r];
            sums[at + Amounts] += run.ToScalar();
            sums[at + Weighted] += run.GetElement(1);
            touched[currency >> 6] |= 1UL << currency;
        }

        AddPartsOneByOne(c, parts, from, to, sums, null);
    }

    /// <summary>
    /// Adds parts [<paramref name="from"/>, <paramref name="to"/>) one by one into their deal's currency's sums: under
    /// their products, and out of (none) (or, with <paramref name="deals"/>, the deals counted there instead).
    /// </summary>
    private static void AddPartsOneByOne(PipelineColumns c, ProductParts parts, int from, int to, long[] sums, long[]? deals)
    {
        const int Amounts = PartnerFewKeySums.MaxKeys;
        const int Weighted = 2 * PartnerFewKeySums.MaxKeys;
        for (var e = from; e < to; e++)
        {
            var row = parts.Row[e];
            var newDeal = e == 0 || parts.Row[e - 1] != row;
            int q = parts.Product[e];
            var at = c.Currency[row] * PartnerFewKeySums.SumsPerCurrency;
            var amount = parts.Amount[e];
            var weighted = amount * parts.BasisPoints[e];

            // Out of (none), into its product.
            if (deals is null)
            {
                sums[at] -= newDeal ? 1 : 0;
                sums[at + Amounts] -= amount;
                sums[at + Weighted] -= weighted;
            }
            else
            {
                deals[c.Currency[row]] += newDeal ? 1 : 0;
            }

            sums[at + q] += newDeal || parts.Product[e - 1] != q ? 1 : 0;
            sums[at + Amounts + q] += amount;
            sums[at + Weighted + q] += weighted;
        }
    }

    /// <summary>The first entry of ascending <paramref name="rows"/> (repeats allowed: a deal's parts share its row) that is <paramref name="row"/> or later.</summary>
    internal static int LowerBound(int[] rows, int row)
    {
        var i = Array.BinarySearch(rows, row);
        if (i < 0)
        {
            return ~i;
        }

        // A deal's parts share its row: the first of them.
        while (i > 0 && rows[i - 1] == row)
        {
            i--;
        }

        return i;
    }
}
