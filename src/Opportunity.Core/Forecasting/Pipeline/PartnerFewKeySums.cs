using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Opportunity.Forecasting;

/// <summary>
/// Partner × a key of at most <see cref="MaxKeys"/> values (quarters, fiscal years, a few regions) summed in registers:
/// each value has a vector of (count and amount packed by <see cref="PackedCount"/>) sums and one of weighted sums, and
/// eight rows are added to the value their lane holds by a compare and two masked adds. No row goes through memory
/// (scattering a row into a table costs more than reading it: the eighth and ninth rounds of issue 15 item 6 in
/// docs/performance.md), and a partner of one currency costs one reduction across the lanes and one vector store per
/// output column. Needs AVX-512: the sixteen sums and the row's vectors fit its 32 registers; without it, and for keys
/// of more values, the partner's table (<see cref="PartnerKeyTable"/>) does the work.
/// </summary>
internal sealed class PartnerFewKeySums(int currencies, PackedCount packing)
{
    /// <summary>The most values the key may have: one per lane of a vector of eight 64-bit sums.</summary>
    public const int MaxKeys = 8;

    /// <summary>Per currency in the sums of <see cref="EmitInIndexOrder"/>: counts, amounts and weighted sums of the eight values.</summary>
    public const int SumsPerCurrency = 3 * MaxKeys;

    /// <summary>
    /// Partners with fewer rows go to the block scatter (<see cref="PartnerBlockScatter"/>): their rows fit one vector,
    /// and sharing a block's pass with others costs them less than a reduction of their own.
    /// </summary>
    public const int SmallPartnerRows = 8;

    // How far ahead of the row being summed its amount and probability lines are asked for: small partners end their
    // loop every few vectors, and the hardware's prefetch alone left the first loads of the next one waiting.
    private const int PrefetchRows = 512;

    private readonly long[] _sums = new long[currencies * SumsPerCurrency];
    private readonly ulong[] _touched = new ulong[(currencies + 63) >> 6];
    private readonly int _chunk = packing.ChunkRows & ~7;

    /// <summary>
    /// Whether partner × a key of <paramref name="cardinality"/> values can be summed so: AVX-512, narrow sums, and
    /// chunks long enough that unpacking the cells between them costs little.
    /// </summary>
    public static bool Fits(int cardinality, PackedCount packing, bool narrow) =>
        narrow && cardinality <= MaxKeys && packing.ChunkRows >= 64 && IsSupported;

    /// <summary>Whether the machine has what summing in registers needs: 512-bit vectors, their masks, 64-bit multiplies.</summary>
    public static bool IsSupported =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512F.VL.IsSupported && Avx512DQ.IsSupported;

    /// <summary>
    /// Writes partner <paramref name="partner"/>'s groups by the key (it has rows) into <paramref name="output"/>, in
    /// index order (key, then currency); the key's code is its dense code plus <paramref name="offset"/>, written
    /// first or second as <paramref name="partnerFirst"/> says.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add<TKey>(PipelineColumns c, TKey key, int partner, GroupBuffer output, int offset, bool partnerFirst)
        where TKey : struct, IRowKey
    {
        var from = c.PartnerStart[partner];
        var to = c.PartnerStart[partner + 1];
        if (c.OneCurrency[partner] && to - from <= _chunk)
        {
            // The usual partner: one currency, fewer rows than a chunk; its sums go from the registers to the output.
            Emit(output, Sum(c, key, from, to, packing), c.Currency[from], partner, offset, partnerFirst);
            return;
        }

        AddPartner(c, key, partner);
        EmitInIndexOrder(output, _sums, _touched, partner, offset, partnerFirst);
    }

    /// <summary>A partner of several currencies, or of more rows than a chunk: its sums per currency, a chunk at a time.</summary>
    private void AddPartner<TKey>(PipelineColumns c, TKey key, int partner)
        where TKey : struct, IRowKey
    {
        var runs = c.RunStart;
        var chunk = _chunk;
        var sums = _sums;
        var lastRun = c.PartnerRunStart[partner + 1];
        for (var r = c.PartnerRunStart[partner]; r < lastRun;)
        {
            // Runs are (stage, currency): consecutive runs of one currency are summed as one stretch of rows.
            var currency = c.Currency[runs[r]];
            var next = r + 1;
            while (next < lastRun && c.Currency[runs[next]] == currency)
            {
                next++;
            }

            _touched[currency >> 6] |= 1UL << currency;
            var at = currency * SumsPerCurrency;
            for (int from = runs[r], to; from < runs[next]; from = to)
            {
                to = Math.Min(runs[next], from + chunk);
                Sum(c, key, from, to, packing).AddTo(sums.AsSpan(at, SumsPerCurrency));
            }

            r = next;
        }
    }

    /// <summary>
    /// The sums of rows [<paramref name="from"/>, <paramref name="to"/>) (at most a chunk: the packed sums stay exact)
    /// per value of the key: lane q of each vector is value q's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe KeySums Sum<TKey>(PipelineColumns c, TKey key, int from, int to, PackedCount packing)
        where TKey : struct, IRowKey
    {
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        var unit = Vector512.Create(packing.Unit);
        Vector512<long> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<long> w0 = default, w1 = default, w2 = default, w3 = default, w4 = default, w5 = default, w6 = default, w7 = default;
        var i = from;
        var vectorEnd = Math.Min(to, c.Count - 7);

        // Lanes at or past the stretch's end take a value no sum has: "lane < rows left", whose vector goes down by
        // eight a step, masks the widening of their codes (only the last vector has such lanes; no branch for it).
        var left = Vector512.Create((long)(to - from));
        var eight = Vector512.Create(8L);
        var none = Vector512.Create((long)MaxKeys);
        while (i < vectorEnd)
        {
            var k = Vector512.ConditionalSelect(Vector512.LessThan(Vector512<long>.Indices, left), key.Codes8Wide(i), none);
            var amount = Vector512.LoadUnsafe(ref amount0, (nuint)i);
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref amount0, i + PrefetchRows)));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref basisPoints0, i + PrefetchRows)));
            var weighted = amount * Avx512F.ConvertToVector512Int64(Vector128.LoadUnsafe(ref basisPoints0, (nuint)i));
            var packed = amount + unit;
            left -= eight;

            AddToValues(k, packed, weighted, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref w0, ref w1, ref w2, ref w3, ref w4, ref w5, ref w6, ref w7);
            i += 8;
        }

        // The packed sums split into count and amount.
        var cells = SumLanes(a0, a1, a2, a3, a4, a5, a6, a7);
        var sums = new KeySums(Vector512.ShiftRightLogical(cells, packing.SumBits), cells & Vector512.Create(packing.Unit - 1), SumLanes(w0, w1, w2, w3, w4, w5, w6, w7));
        return i >= to ? sums : sums.PlusRows(c, key, i, to);
    }

    /// <summary>
    /// Adds eight rows' <paramref name="packed"/> and <paramref name="weighted"/> lanes to the sums of the value in their
    /// <paramref name="k"/> lane (0–7; any other value adds nothing): one compare per value and two adds under its mask.
    /// Written as one select per sum: a compare used by two selects would be widened into a vector and blended, three
    /// operations more. Inlined, the sums stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddToValues(
        Vector512<long> k, Vector512<long> packed, Vector512<long> weighted,
        ref Vector512<long> a0, ref Vector512<long> a1, ref Vector512<long> a2, ref Vector512<long> a3, ref Vector512<long> a4, ref Vector512<long> a5, ref Vector512<long> a6, ref Vector512<long> a7,
        ref Vector512<long> w0, ref Vector512<long> w1, ref Vector512<long> w2, ref Vector512<long> w3, ref Vector512<long> w4, ref Vector512<long> w5, ref Vector512<long> w6, ref Vector512<long> w7)
    {
        a0 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(0L)), a0 + packed, a0);
        w0 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(0L)), w0 + weighted, w0);
        a1 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(1L)), a1 + packed, a1);
        w1 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(1L)), w1 + weighted, w1);
        a2 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(2L)), a2 + packed, a2);
        w2 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(2L)), w2 + weighted, w2);
        a3 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(3L)), a3 + packed, a3);
        w3 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(3L)), w3 + weighted, w3);
        a4 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(4L)), a4 + packed, a4);
        w4 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(4L)), w4 + weighted, w4);
        a5 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(5L)), a5 + packed, a5);
        w5 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(5L)), w5 + weighted, w5);
        a6 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(6L)), a6 + packed, a6);
        w6 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(6L)), w6 + weighted, w6);
        a7 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(7L)), a7 + packed, a7);
        w7 = Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(7L)), w7 + weighted, w7);
    }

    /// <summary>Sums each vector's lanes: lane q of the result is the sum of <c>v</c>q's eight lanes (a transpose by halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> SumLanes(Vector512<long> v0, Vector512<long> v1, Vector512<long> v2, Vector512<long> v3, Vector512<long> v4, Vector512<long> v5, Vector512<long> v6, Vector512<long> v7)
    {
        // Pairs of neighbouring lanes: each 128-bit lane of s01 holds (v0's, v1's) sum of that lane's two.
        var s01 = Avx512F.UnpackLow(v0, v1) + Avx512F.UnpackHigh(v0, v1);
        var s23 = Avx512F.UnpackLow(v2, v3) + Avx512F.UnpackHigh(v2, v3);
        var s45 = Avx512F.UnpackLow(v4, v5) + Avx512F.UnpackHigh(v4, v5);
        var s67 = Avx512F.UnpackLow(v6, v7) + Avx512F.UnpackHigh(v6, v7);

        // Even and odd 128-bit lanes added: (v0, v1) of lanes 0–3 and 4–7, then the same of (v2, v3).
        const byte Even = 0b10_00_10_00;
        const byte Odd = 0b11_01_11_01;
        var s0123 = Avx512F.Shuffle4x128(s01, s23, Even) + Avx512F.Shuffle4x128(s01, s23, Odd);
        var s4567 = Avx512F.Shuffle4x128(s45, s67, Even) + Avx512F.Shuffle4x128(s45, s67, Odd);
        return Avx512F.Shuffle4x128(s0123, s4567, Even) + Avx512F.Shuffle4x128(s0123, s4567, Odd);
    }

    /// <summary>A partner of one currency: its groups compressed into the output's columns, a vector each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Emit(GroupBuffer output, KeySums sums, int currency, int partner, int offset, bool partnerFirst)
    {
        var present = ~Vector512.Equals(sums.Counts, Vector512<long>.Zero);
        var groups = BitOperations.PopCount(present.ExtractMostSignificantBits());

        // Eight entries reserved so every store is whole; those past the groups are given back.
        var at = output.ReserveNarrow(MaxKeys);
        var (first, second, currencyColumn, count, amount, weighted) = output.NarrowColumns;
        var present32 = Avx512F.ConvertToVector256Int32(present);
        var keys = Avx512F.VL.Compress(Vector256<int>.Zero, present32, Vector256<int>.Indices + Vector256.Create(offset));
        var partners = Vector256.Create(partner);
        (partnerFirst ? partners : keys).StoreUnsafe(ref first[at]);
        (partnerFirst ? keys : partners).StoreUnsafe(ref second[at]);
        Unsafe.WriteUnaligned(ref currencyColumn[at], 0x0101010101010101UL * (byte)currency);
        Avx512F.VL.Compress(Vector256<int>.Zero, present32, Avx512F.ConvertToVector256Int32(sums.Counts)).StoreUnsafe(ref count[at]);
        Avx512F.Compress(Vector512<long>.Zero, present, sums.Amounts).StoreUnsafe(ref amount[at]);
        Avx512F.Compress(Vector512<long>.Zero, present, sums.Weighted).StoreUnsafe(ref weighted[at]);
        output.Shrink(at + groups);
    }

    /// <summary>
    /// A partner's groups one by one from per-currency sums (counts, amounts and weighted sums of the eight values, for
    /// each currency whose bit is set in <paramref name="touched"/>), key first, then currency; the sums and bits are cleared.
    /// </summary>
    public static void EmitInIndexOrder(GroupBuffer output, long[] sums, ulong[] touched, int partner, int offset, bool partnerFirst)
    {
        for (var q = 0; q < MaxKeys; q++)
        {
            for (var word = 0; word < touched.Length; word++)
            {
                for (var bits = touched[word]; bits != 0; bits &= bits - 1)
                {
                    var currency = (word << 6) + BitOperations.TrailingZeroCount(bits);
                    var at = currency * SumsPerCurrency;
                    if (sums[at + q] != 0)
                    {
                        output.AddNarrow(partnerFirst ? partner : q + offset, partnerFirst ? q + offset : partner, currency, (int)sums[at + q], sums[at + MaxKeys + q], sums[at + (2 * MaxKeys) + q]);
                    }
                }
            }
        }

        for (var word = 0; word < touched.Length; word++)
        {
            for (var bits = touched[word]; bits != 0; bits &= bits - 1)
            {
                sums.AsSpan(((word << 6) + BitOperations.TrailingZeroCount(bits)) * SumsPerCurrency, SumsPerCurrency).Clear();
            }

            touched[word] = 0;
        }
    }

    /// <summary>Row counts, amounts and weighted sums of the eight values of the key, lane q for value q.</summary>
    public readonly record struct KeySums(Vector512<long> Counts, Vector512<long> Amounts, Vector512<long> Weighted)
    {
        /// <summary>These sums with rows [from, to) added one by one (the columns' last rows, too near their end for a whole vector).</summary>
        public KeySums PlusRows<TKey>(PipelineColumns c, TKey key, int from, int to)
            where TKey : struct, IRowKey
        {
            Span<long> lanes = stackalloc long[SumsPerCurrency];
            CopyTo(lanes);
            for (var i = from; i < to; i++)
            {
                var q = key.Code(i);
                lanes[q]++;
                lanes[MaxKeys + q] += c.Amount[i];
                lanes[(2 * MaxKeys) + q] += c.Amount[i] * c.BasisPoints[i];
            }

            return From(lanes);
        }

        /// <summary>The sums laid out as in <see cref="EmitInIndexOrder"/>'s per-currency sums: counts, amounts, weighted sums.</summary>
        public void CopyTo(Span<long> lanes)
        {
            Counts.CopyTo(lanes);
            Amounts.CopyTo(lanes[MaxKeys..]);
            Weighted.CopyTo(lanes[(2 * MaxKeys)..]);
        }

        /// <summary>Adds these sums to sums laid out as <see cref="CopyTo"/> writes them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddTo(Span<long> lanes)
        {
            ref var at = ref MemoryMarshal.GetReference(lanes[..SumsPerCurrency]);
            (Vector512.LoadUnsafe(ref at) + Counts).StoreUnsafe(ref at);
            (Vector512.LoadUnsafe(ref at, MaxKeys) + Amounts).StoreUnsafe(ref at, MaxKeys);
            (Vector512.LoadUnsafe(ref at, 2 * MaxKeys) + Weighted).StoreUnsafe(ref at, 2 * MaxKeys);
        }

        /// <summary>Sums laid out as <see cref="CopyTo"/> writes them.</summary>
        public static KeySums From(ReadOnlySpan<long> lanes) =>
            new(Vector512.Create(lanes), Vector512.Create(lanes[MaxKeys..]), Vector512.Create(lanes[(2 * MaxKeys)..]));
    }
}
