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
    private const int ReplicaShift = 1;

    // Tables of at most this many indexes: two replicas per cell, and the touched indexes are the bits of one word.
    private const int SmallSize = 64;

    private readonly bool _wide;
    private readonly PackedCount _packing;
    private readonly int _currencies;

    // Replicas of each cell (2^shift), taken by consecutive rows in turn, so rows of one key in a row do not wait on
    // each other's adds; only while the cells stay small.
    private readonly int _shift;

    // The key and currency of each table index, so emitting needs no division.
    private readonly int[] _keyOf;
    private readonly byte[] _currencyOf;
    private readonly long[] _cells;

    // The offset of a cell after the table's: rows read past a partner's end in whole vectors are added there, never read.
    private readonly int _trash;
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
        _currencies = currencies;
        _shift = size <= SmallSize ? ReplicaShift : 0;
        _keyOf = [.. Enumerable.Range(0, size).Select(k => k / currencies)];
        _currencyOf = [.. Enumerable.Range(0, size).Select(k => (byte)(k % currencies))];
        _trash = (size << _shift) * Cell;
        _cells = new long[_trash + Cell];
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
    /// Adds rows [from, from + n) (n at most <see cref="ChunkRows"/>) to a table of more than 64 indexes under their
    /// key's code and currency, using <paramref name="codes"/> (n + 7 or more) and <paramref name="uniform"/>
    /// ((n + 7) / 8 or more) as scratch space.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRows<TKey>(PipelineColumns c, TKey key, int from, int n, Span<int> codes, Span<bool> uniform)
        where TKey : struct, IRowKey
    {
        if (_packedRows + n > _packing.ChunkRows)
        {
            Unpack();
        }

        _packedRows += n;

        // Whole vectors of eight rows where the columns extend that far: the rows past n go to the trash cell, so
        // no loop has a scalar tail (a partner's rows rarely come in multiples of eight).
        var padded = (n + 7) & ~7;
        var block = codes[..(from + padded <= c.Count ? padded : n)];
        var runs = Codes(key, c.Currency, from, n, block, uniform) * 4 >= block.Length / 8;
        ref var amount0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(c.Amount), from);
        ref var basisPoints0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(c.BasisPoints), from);
        PackedScatter.AddBlock(ref amount0, ref basisPoints0, block, uniform, runs, ref MemoryMarshal.GetArrayDataReference(_cells), _packing.Unit);
        foreach (var code in codes[..n])
        {
            Touch(code >> (_shift + 1));
        }
    }

    /// <summary>Whether the table has at most 64 indexes: its rows go through <see cref="AddRowsSmall"/>.</summary>
    public bool IsSmall => _keyOf.Length <= SmallSize;

    /// <summary>
    /// Adds rows [from, from + n) (n at most <see cref="ChunkRows"/>) to a table of at most 64 indexes, eight at a
    /// time: their keys in a vector, the indexes they touch as bits, and the rows added straight from it (no array of
    /// codes written and read back); rows past the partner's end in its last vector of eight go to the trash cell.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRowsSmall<TKey>(PipelineColumns c, TKey key, int from, int n)
        where TKey : struct, IRowKey
    {
        if (_packedRows + n > _packing.ChunkRows)
        {
            Unpack();
        }

        _packedRows += n;
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        ref var table0 = ref MemoryMarshal.GetArrayDataReference(_cells);
        var currency = c.Currency;
        var end = from + n;
        var shift = _shift;
        var unit = _packing.Unit;
        var bits = 0UL;
        var i = from;
        if (Avx2.IsSupported)
        {
            var currencyCount = Vector256.Create(_currencies);
            var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) & Vector256.Create((1 << shift) - 1);
            var trash = Vector256.Create(_trash);
            var outside = Vector256.Create(64);
            var ones = Vector256.Create(1UL);
            var units = Vector256.Create(unit);
            var touched = Vector256<ulong>.Zero;
            Span<int> scratch = stackalloc int[8];
            ref var scratch0 = ref MemoryMarshal.GetReference(scratch);
            for (var last = c.Count - 8; i < end && i <= last; i += 8)
            {
                var k = (key.Codes8(i) * currencyCount) + ByteKey.Widen8(currency, i);
                var real = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(end - i));

                // Lanes past the partner's end: index 64, which sets no bit, and the trash cell.
                var index = Vector256.ConditionalSelect(real, k, outside);
                var (low, high) = Vector256.Widen(index.AsUInt32());
                touched |= Avx2.ShiftLeftLogicalVariable(ones, low) | Avx2.ShiftLeftLogicalVariable(ones, high);
                var codes = Vector256.ConditionalSelect(real, ((k << shift) | lanes) << 1, trash);
                if (PackedScatter.AllOneKey(index))
                {
                    PackedScatter.AddEightOfOneKey(ref Unsafe.Add(ref amount0, i), ref Unsafe.Add(ref basisPoints0, i), ref table0, codes.ToScalar(), unit);
                }
                else
                {
                    PackedScatter.AddEight(ref Unsafe.Add(ref amount0, i), ref Unsafe.Add(ref basisPoints0, i), ref table0, codes, ref scratch0, units);
                }
            }

            var half = touched.GetLower() | touched.GetUpper();
            bits = half.GetElement(0) | half.GetElement(1);
        }

        // The rows too near the columns' end for a whole vector, or every row without AVX2.
        for (; i < end; i++)
        {
            var k = (key.Code(i) * _currencies) + currency[i];
            bits |= 1UL << k;
            PackedScatter.Add(ref table0, ((k << shift) | (i & ((1 << shift) - 1))) << 1, c.Amount[i], c.BasisPoints[i], unit);
        }

        _touched[0] |= bits;
        _low = 0;
        _high = 0;
    }

    /// <summary>
    /// Writes the cell offset (((key × currencies + currency) · replicas + row mod replicas) · 2) of rows
    /// <paramref name="from"/>.. into <paramref name="codes"/> (those from row <paramref name="n"/> on: the trash
    /// cell's), eight rows per vector, and per eight rows whether they share one index (keys that follow the stage,
    /// like the forecast category, come in runs); returns how many do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Codes<TKey>(TKey key, byte[] currency, int from, int n, Span<int> codes, Span<bool> uniform)
        where TKey : struct, IRowKey
    {
        var runs = 0;
        var j = 0;
        var shift = _shift;
        var mask = (1 << shift) - 1;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var codes0 = ref MemoryMarshal.GetReference(codes);
            var currencyCount = Vector256.Create(_currencies);
            var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) & Vector256.Create(mask);
            for (; j + 8 <= codes.Length; j += 8)
            {
                var k = (key.Codes8(from + j) * currencyCount) + ByteKey.Widen8(currency, from + j);
                (((k << shift) | lanes) << 1).StoreUnsafe(ref codes0, (nuint)j);
                var same = Vector256.EqualsAll(k, Vector256.Create(k.ToScalar()));
                uniform[j >> 3] = same;
                runs += same ? 1 : 0;
            }

            if (codes.Length > n)
            {
                // The padded last vector: its rows past n to the trash cell (never one key then).
                var last = codes.Length - 8;
                var real = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(n - last));
                Vector256.ConditionalSelect(real, Vector256.LoadUnsafe(ref codes0, (nuint)last), Vector256.Create(_trash)).StoreUnsafe(ref codes0, (nuint)last);
                runs -= uniform[last >> 3] ? 1 : 0;
                uniform[last >> 3] = false;
            }
        }

        for (; j < codes.Length; j++)
        {
            codes[j] = j < n ? ((((key.Code(from + j) * _currencies) + currency[from + j]) << shift) | (j & mask)) << 1 : _trash;
        }

        return runs;
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
                var cell = Take(k);
                var count = _count[k] + _packing.Count(cell[0]);
                if (count != 0)
                {
                    // (A zero count: every row of the index was moved to another, RunsWithExceptions.)
                    var other = _keyOf[k] + offset;
                    var amount = _amount[k] + _packing.Amount(cell[0]);
                    var weighted = _weighted[k] + cell[1];
                    if (_wide)
                    {
                        output.Add(partnerFirst ? partner : other, partnerFirst ? other : partner, _currencyOf[k], (int)count, amount, weighted);
                    }
                    else
                    {
                        output.AddNarrow(partnerFirst ? partner : other, partnerFirst ? other : partner, _currencyOf[k], (int)count, (long)amount, (long)weighted);
                    }
                }

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
        for (var word = _low; word <= _high; word++)
        {
            var bits = _touched[word];
            _touched[word] = 0;
            while (bits != 0)
            {
                var k = (word << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                var cell = Take(k);
                var other = _keyOf[k] + offset;
                first[at] = partnerFirst ? partner : other;
                second[at] = partnerFirst ? other : partner;
                currency[at] = _currencyOf[k];
                count[at] = (int)_packing.Count(cell[0]);
                amount[at] = _packing.Amount(cell[0]);
                weighted[at] = cell[1];
                at++;
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
            var cell = Take(k);
            _count[k] += _packing.Count(cell[0]);
            _amount[k] += _packing.Amount(cell[0]);
            _weighted[k] += cell[1];
        }

        _packedRows = 0;
        _side = true;
    }

    /// <summary>Index <paramref name="k"/>'s cells summed over its replicas (a chunk's rows at most, so the packed sum is exact), and cleared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<long> Take(int k)
    {
        ref var first = ref Unsafe.As<long, Vector128<long>>(ref _cells[(k << _shift) * Cell]);
        var sum = Vector128<long>.Zero;
        for (var r = 0; r < 1 << _shift; r++)
        {
            ref var replica = ref Unsafe.Add(ref first, r);
            sum += replica;
            replica = Vector128<long>.Zero;
        }

        return sum;
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
