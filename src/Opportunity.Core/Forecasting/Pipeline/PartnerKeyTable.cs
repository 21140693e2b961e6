using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Opportunity.Forecasting;

/// <summary>
/// One partner's groups by another key (table index = key × currencies + currency) and which indexes were touched.
/// Rows scattered one by one go into 16-byte cells (count and amount packed by <see cref="PackedCount"/>, weighted),
/// one vector add each; runs, and the cells whenever a chunk's rows are reached, go into the side sums (count, and
/// 128-bit amount and weighted value), so a partner of any size stays exact.
/// </summary>
internal sealed class PartnerKeyTable
{
    private const int Cell = 2;

    private readonly bool _wide;
    private readonly PackedCount _packing;

    // The key and currency of each table index, so emitting needs no division.
    private readonly int[] _keyOf;
    private readonly byte[] _currencyOf;
    private readonly long[] _cells;
    private readonly long[] _count;
    private readonly Int128[] _amount;
    private readonly Int128[] _weighted;
    private readonly ulong[] _touched;
    private int _low = int.MaxValue;
    private int _high = -1;
    private int _packedRows;

    // Whether the side sums hold anything (a run added, or cells unpacked) since the last emit: most partners' do not.
    private bool _side;

    /// <summary>A table of <paramref name="size"/> indexes; <paramref name="wide"/>: groups are written with 128-bit sums.</summary>
    public PartnerKeyTable(int size, int currencies, bool wide, PackedCount packing)
    {
        _wide = wide;
        _packing = packing;
        _keyOf = [.. Enumerable.Range(0, size).Select(k => k / currencies)];
        _currencyOf = [.. Enumerable.Range(0, size).Select(k => (byte)(k % currencies))];
        _cells = new long[size * Cell];
        _count = new long[size];
        _amount = new Int128[size];
        _weighted = new Int128[size];
        _touched = new ulong[(size + 63) >> 6];
    }

    /// <summary>The most rows one <see cref="AddRows"/> call may add.</summary>
    public int ChunkRows => _packing.ChunkRows;

    /// <summary>Adds a run (or removes one row: count −1) at index <paramref name="k"/>.</summary>
    public void AddRun(int k, int count, long amount, long weighted)
    {
        _count[k] += count;
        _amount[k] += amount;
        _weighted[k] += weighted;
        _side = true;
        Touch(k);
    }

    /// <summary>
    /// Adds rows [from, from + codes.Length) (at most <see cref="ChunkRows"/>) at the indexes <paramref name="codes"/>
    /// give; <paramref name="uniform"/> says per eight rows whether they share one index, and <paramref name="runs"/>
    /// whether enough blocks do to take the vector path for them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRows(PipelineColumns c, int from, ReadOnlySpan<int> codes, ReadOnlySpan<bool> uniform, bool runs)
    {
        if (_packedRows + codes.Length > _packing.ChunkRows)
        {
            Unpack();
        }

        _packedRows += codes.Length;
        ref var amount0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(c.Amount), from);
        ref var basisPoints0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(c.BasisPoints), from);
        ref var cells0 = ref MemoryMarshal.GetArrayDataReference(_cells);
        var unit = _packing.Unit;
        var j = 0;
        if (runs)
        {
            for (; j + 8 <= codes.Length; j += 8)
            {
                if (uniform[j >> 3])
                {
                    PackedScatter.AddEightOfOneKey(ref Unsafe.Add(ref amount0, j), ref Unsafe.Add(ref basisPoints0, j), ref cells0, codes[j], unit);
                }
                else
                {
                    PackedScatter.AddRows(ref Unsafe.Add(ref amount0, j), ref Unsafe.Add(ref basisPoints0, j), codes.Slice(j, 8), ref cells0, unit);
                }
            }
        }

        PackedScatter.AddRows(ref Unsafe.Add(ref amount0, j), ref Unsafe.Add(ref basisPoints0, j), codes[j..], ref cells0, unit);
        if (_touched.Length > 1)
        {
            foreach (var code in codes)
            {
                Touch(code / Cell);
            }
        }
        else if (!codes.IsEmpty)
        {
            _touched[0] |= IndexBits(codes);
            _low = 0;
            _high = 0;
        }
    }

    /// <summary>The bits of the indexes the codes (cell offsets) name, in a table of at most 64 indexes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong IndexBits(ReadOnlySpan<int> codes)
    {
        var bits = 0UL;
        var j = 0;
        if (Avx2.IsSupported)
        {
            ref var codes0 = ref MemoryMarshal.GetReference(codes);
            var ones = Vector256.Create(1UL);
            var acc = Vector256<ulong>.Zero;
            for (; j + 8 <= codes.Length; j += 8)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref codes0, (nuint)j).AsUInt32() >> 1);
                acc |= Avx2.ShiftLeftLogicalVariable(ones, low) | Avx2.ShiftLeftLogicalVariable(ones, high);
            }

            var half = acc.GetLower() | acc.GetUpper();
            bits = half.GetElement(0) | half.GetElement(1);
        }

        for (; j < codes.Length; j++)
        {
            bits |= 1UL << (codes[j] / Cell);
        }

        return bits;
    }

    /// <summary>Writes the partner's groups in index order and clears the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Emit(GroupBuffer output, int partner, int offset, bool partnerFirst)
    {
        if (!_wide && !_side)
        {
            EmitCells(output, partner, offset, partnerFirst);
            return;
        }

        for (var word = _low; word <= _high; word++)
        {
            var bits = _touched[word];
            _touched[word] = 0;
            while (bits != 0)
            {
                var k = (word << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                ref var cell = ref _cells[k * Cell];
                var count = _count[k] + _packing.Count(cell);
                if (count != 0)
                {
                    // (A zero count: every row of the index was moved to another, RunsWithExceptions.)
                    var other = _keyOf[k] + offset;
                    var amount = _amount[k] + _packing.Amount(cell);
                    var weighted = _weighted[k] + Unsafe.Add(ref cell, 1);
                    if (_wide)
                    {
                        output.Add(partnerFirst ? partner : other, partnerFirst ? other : partner, _currencyOf[k], (int)count, amount, weighted);
                    }
                    else
                    {
                        output.AddNarrow(partnerFirst ? partner : other, partnerFirst ? other : partner, _currencyOf[k], (int)count, (long)amount, (long)weighted);
                    }
                }

                cell = 0;
                Unsafe.Add(ref cell, 1) = 0;
                _count[k] = 0;
                _amount[k] = Int128.Zero;
                _weighted[k] = Int128.Zero;
            }
        }

        _low = int.MaxValue;
        _high = -1;
        _packedRows = 0;
        _side = false;
    }

    /// <summary>The usual case of <see cref="Emit"/>: every sum is in the cells (rows only, narrow), written straight into the output's columns.</summary>
    private void EmitCells(GroupBuffer output, int partner, int offset, bool partnerFirst)
    {
        var groups = 0;
        for (var word = _low; word <= _high; word++)
        {
            groups += BitOperations.PopCount(_touched[word]);
        }

        var at = output.ReserveNarrow(groups);
        var (first, second, currency, count, amount, weighted) = output.NarrowColumns;
        ref var cells0 = ref MemoryMarshal.GetArrayDataReference(_cells);
        for (var word = _low; word <= _high; word++)
        {
            var bits = _touched[word];
            _touched[word] = 0;
            while (bits != 0)
            {
                var k = (word << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                ref var cell = ref Unsafe.Add(ref cells0, k * Cell);
                var other = _keyOf[k] + offset;
                first[at] = partnerFirst ? partner : other;
                second[at] = partnerFirst ? other : partner;
                currency[at] = _currencyOf[k];
                count[at] = (int)_packing.Count(cell);
                amount[at] = _packing.Amount(cell);
                weighted[at] = Unsafe.Add(ref cell, 1);
                at++;
                Unsafe.As<long, Vector128<long>>(ref cell) = Vector128<long>.Zero;
            }
        }

        _low = int.MaxValue;
        _high = -1;
        _packedRows = 0;
    }

    /// <summary>Moves the packed cells into the side sums (a chunk's rows reached).</summary>
    private void Unpack()
    {
        for (var k = 0; k < _count.Length; k++)
        {
            ref var cell = ref _cells[k * Cell];
            _count[k] += _packing.Count(cell);
            _amount[k] += _packing.Amount(cell);
            _weighted[k] += Unsafe.Add(ref cell, 1);
            cell = 0;
            Unsafe.Add(ref cell, 1) = 0;
        }

        _packedRows = 0;
        _side = true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Touch(int k)
    {
        var word = k >> 6;
        _touched[word] |= 1UL << k;
        if (word < _low)
        {
            _low = word;
        }

        if (word > _high)
        {
            _high = word;
        }
    }
}
