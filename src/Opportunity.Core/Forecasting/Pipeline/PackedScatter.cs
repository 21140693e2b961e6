using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Opportunity.Forecasting;

/// <summary>
/// Rows added to a table of 16-byte entries (count and amount packed by <see cref="PackedCount"/>, weighted value),
/// each at the entry its code gives (an offset in longs). The rows' (amount + unit, amount × basis points) pairs
/// are computed four at a time in vectors, so a row costs one load, one vector add and one store of its entry.
/// </summary>
internal static class PackedScatter
{
    /// <summary>Adds rows [0, codes.Length) of the given amount and basis-point references at their entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddRows(ref long amount0, ref ushort basisPoints0, ReadOnlySpan<int> codes, ref long table0, long unit)
    {
        ref var codes0 = ref MemoryMarshal.GetReference(codes);
        var j = 0;
        if (Avx2.IsSupported)
        {
            var units = Vector256.Create(unit);
            for (; j + 8 <= codes.Length; j += 8)
            {
                var bp = Vector128.LoadUnsafe(ref basisPoints0, (nuint)j);
                AddFour(ref table0, ref Unsafe.Add(ref codes0, j), Vector256.LoadUnsafe(ref amount0, (nuint)j), Avx2.ConvertToVector256Int64(bp), units);
                AddFour(ref table0, ref Unsafe.Add(ref codes0, j + 4), Vector256.LoadUnsafe(ref amount0, (nuint)j + 4), Avx2.ConvertToVector256Int64(Vector128.Shuffle(bp.AsUInt64(), Vector128.Create(1UL, 0UL)).AsUInt16()), units);
            }
        }

        for (; j < codes.Length; j++)
        {
            Add(ref table0, Unsafe.Add(ref codes0, j), Unsafe.Add(ref amount0, j), Unsafe.Add(ref basisPoints0, j), unit);
        }
    }

    /// <summary>
    /// Adds a block's rows at their entries; where <paramref name="runs"/> (enough blocks of eight share one entry to be
    /// worth the check), a block of eight that <paramref name="uniform"/> marks as one entry's is summed in vectors and
    /// updates it once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBlock(ref long amount0, ref ushort basisPoints0, ReadOnlySpan<int> codes, ReadOnlySpan<bool> uniform, bool runs, ref long table0, long unit)
    {
        var j = 0;
        if (runs && Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= codes.Length; j += 8)
            {
                if (uniform[j >> 3])
                {
                    AddEightOfOneKey(ref Unsafe.Add(ref amount0, j), ref Unsafe.Add(ref basisPoints0, j), ref table0, codes[j], unit);
                }
                else
                {
                    AddRows(ref Unsafe.Add(ref amount0, j), ref Unsafe.Add(ref basisPoints0, j), codes.Slice(j, 8), ref table0, unit);
                }
            }
        }

        AddRows(ref Unsafe.Add(ref amount0, j), ref Unsafe.Add(ref basisPoints0, j), codes[j..], ref table0, unit);
    }

    /// <summary>
    /// Eight rows at the entries <paramref name="codes"/> gives (an offset in longs per lane, written to
    /// <paramref name="scratch"/> to be read back one by one): a vector add per row. Eight rows of one entry go to
    /// <see cref="AddEightOfOneKey"/> instead; the caller tests that itself (<see cref="AllOneKey"/>), because a test
    /// passed in as a flag was kept in memory and read back per block. <paramref name="units"/> is the packed count's
    /// unit in every lane, made once by the caller (made here, it was made again per block).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddEight(ref long amount0, ref ushort basisPoints0, ref long table0, Vector256<int> codes, ref int scratch, Vector256<long> units)
    {
        codes.StoreUnsafe(ref scratch);
        var bp = Vector128.LoadUnsafe(ref basisPoints0);
        AddFour(ref table0, ref scratch, Vector256.LoadUnsafe(ref amount0), Avx2.ConvertToVector256Int64(bp), units);
        AddFour(ref table0, ref Unsafe.Add(ref scratch, 4), Vector256.LoadUnsafe(ref amount0, 4), Avx2.ConvertToVector256Int64(Vector128.Shuffle(bp.AsUInt64(), Vector128.Create(1UL, 0UL)).AsUInt16()), units);
    }

    /// <summary>Whether the eight lanes hold one value (lane 0's, broadcast by a permute, compared with a mask).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllOneKey(Vector256<int> keys) => Vector256.EqualsAll(keys, Vector256.Shuffle(keys, Vector256<int>.Zero));

    /// <summary>Eight rows of one entry (a run of the clustered rows): summed in vectors, one update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddEightOfOneKey(ref long amount0, ref ushort basisPoints0, ref long table0, int code, long unit)
    {
        var x0 = Vector256.LoadUnsafe(ref amount0);
        var x1 = Vector256.LoadUnsafe(ref amount0, 4);
        var (p0, p1) = Vector128.Widen(Vector128.LoadUnsafe(ref basisPoints0));
        var weighted = Vector256.Sum((x0 * Vector256.WidenLower(p0.ToVector256Unsafe()).AsInt64()) + (x1 * Vector256.WidenLower(p1.ToVector256Unsafe()).AsInt64()));
        Entry(ref table0, code) += Vector128.Create((8 * unit) + Vector256.Sum(x0 + x1), weighted);
    }

    /// <summary>One row at its entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ref long table0, int code, long amount, ushort basisPoints, long unit) =>
        Entry(ref table0, code) += Vector128.Create(amount + unit, amount * basisPoints);

    /// <summary>Four rows at their entries: the pairs made by unpacking the vectors of amounts and weighted values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddFour(ref long table0, ref int codes, Vector256<long> amounts, Vector256<long> basisPoints, Vector256<long> units)
    {
        var a = amounts + units;
        var w = amounts * basisPoints;
        var even = Avx2.UnpackLow(a, w);
        var odd = Avx2.UnpackHigh(a, w);
        // The upper halves first: taking a lower half last needs no copy of the register it lives in.
        Entry(ref table0, Unsafe.Add(ref codes, 2)) += even.GetUpper();
        Entry(ref table0, Unsafe.Add(ref codes, 3)) += odd.GetUpper();
        Entry(ref table0, codes) += even.GetLower();
        Entry(ref table0, Unsafe.Add(ref codes, 1)) += odd.GetLower();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref Vector128<long> Entry(ref long table0, int code) => ref Unsafe.As<long, Vector128<long>>(ref Unsafe.Add(ref table0, code));
}
