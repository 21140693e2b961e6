using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Opportunity.Forecasting;

/// <summary>
/// Partner × another key for stretches of small partners (fewer than <see cref="SmallPartnerRows"/> rows each), with
/// 64-bit sums and at most <see cref="MaxIndexes"/> indexes per partner (index = key × currencies + currency), scattered
/// a block of rows at a time across every partner the block holds. A row's cell is (its partner's slot in the block,
/// index, replica), so the rows of many small partners share one pass of key codes and one scatter, and a partner
/// costs only the writing of its groups (one partner at a time cost a pass, a scatter and their loop ends of its own:
/// most of the time where partners have a few deals each). A partner whose rows run past the block keeps its cells in
/// slot 0 for the next one; a small partner's rows fit a packed cell (<see cref="Fits"/>), so no cell ever overflows.
/// </summary>
internal sealed class PartnerBlockScatter
{
    /// <summary>The most indexes a partner may have: its touched indexes are the bits of one word.</summary>
    public const int MaxIndexes = 64;

    /// <summary>
    /// Partners with fewer rows are scattered in blocks; larger ones on their own (<see cref="PartnerKeyTable"/>), where
    /// their own loop costs little per row and the one-partner pass of codes is cheaper than the block's.
    /// </summary>
    public const int SmallPartnerRows = 256;

    private const int BlockRows = 1024;

    // Two replicas per index, taken by consecutive rows in turn, so rows of one cell in a row do not wait on each other.
    private const int ReplicaShift = 1;

    private readonly int _size;
    private readonly int _currencies;
    private readonly PackedCount _packing;
    private readonly int _slots;

    // The key and currency of each index, so writing a group needs no division.
    private readonly int[] _keyOf;
    private readonly byte[] _currencyOf;

    // Slots × indexes × replicas entries of (count and amount packed, weighted), read as 32-byte pairs of replicas.
    private readonly long[] _cells;
    private readonly int[] _codes = new int[BlockRows + 8];
    private readonly bool[] _uniform = new bool[BlockRows / 8];

    // 1 at the block row where a slot's partner begins (after slot 0's): the slots are their running count.
    private readonly byte[] _marks = new byte[BlockRows + 8];
    private readonly int[] _slotPartner;

    // The block row where each slot's rows begin, and after the last slot's, the block's length.
    private readonly int[] _slotRow;

    // The indexes touched so far by the partner in slot 0 whose rows began in an earlier block.
    private ulong _carriedBits;

    /// <summary>A scatter for partners of <paramref name="size"/> indexes (at most <see cref="MaxIndexes"/>; see <see cref="Fits"/>).</summary>
    public PartnerBlockScatter(int size, int currencies, PackedCount packing)
    {
        _size = size;
        _currencies = currencies;
        _packing = packing;

        // Slots × indexes ≤ the block's rows keeps the cells within 32 KiB (the L1 cache), whatever the index count.
        _slots = Math.Clamp(BlockRows / size, 1, MaxIndexes);
        _keyOf = [.. Enumerable.Range(0, size).Select(k => k / currencies)];
        _currencyOf = [.. Enumerable.Range(0, size).Select(k => (byte)(k % currencies))];
        _cells = new long[(_slots * size) << ReplicaShift << 1];
        _slotPartner = new int[_slots];
        _slotRow = new int[_slots + 1];
    }

    /// <summary>Whether partners of <paramref name="size"/> indexes can be scattered so: few enough indexes, and a small partner's rows fit a packed cell.</summary>
    public static bool Fits(int size, PackedCount packing) => size <= MaxIndexes && packing.ChunkRows >= SmallPartnerRows;

    /// <summary>
    /// Writes the groups of partners [<paramref name="fromPartner"/>, <paramref name="toPartner"/>) into
    /// <paramref name="output"/> (narrow), each partner's in index order; the other key's code is its dense code plus
    /// <paramref name="offset"/>, written first or second as <paramref name="partnerFirst"/> says.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<TKey>(PipelineColumns c, TKey key, int fromPartner, int toPartner, GroupBuffer output, int offset, bool partnerFirst)
        where TKey : struct, IRowKey
    {
        var start = c.PartnerStart;
        var p = WithRows(start, fromPartner, toPartner);
        var rowsEnd = start[toPartner];
        ref var amount0 = ref MemoryMarshal.GetArrayDataReference(c.Amount);
        ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        ref var cells0 = ref MemoryMarshal.GetArrayDataReference(_cells);
        for (var i = p < toPartner ? start[p] : rowsEnd; i < rowsEnd;)
        {
            // The block's partners: p (whose rows reach row i), then those with rows that begin before the block ends,
            // as long as there are slots (the block then ends where the first partner without one begins).
            var end = Math.Min(i + BlockRows, rowsEnd);
            _slotPartner[0] = p;
            _slotRow[0] = 0;
            var slots = 1;
            for (var q = p + 1; q < toPartner && start[q] < end; q++)
            {
                if (start[q + 1] == start[q])
                {
                    continue;
                }

                if (slots == _slots)
                {
                    end = start[q];
                    break;
                }

                _marks[start[q] - i] = 1;
                _slotPartner[slots] = q;
                _slotRow[slots++] = start[q] - i;
            }

            var n = end - i;
            _slotRow[slots] = n;

            var runs = Codes(c, key, i, n);
            PackedScatter.AddBlock(ref Unsafe.Add(ref amount0, i), ref Unsafe.Add(ref basisPoints0, i), _codes.AsSpan(0, n), _uniform, runs * 4 >= n / 8, ref cells0, _packing.Unit);

            // Every slot's partner but a last one that goes on past the block is complete: written, its cells cleared.
            var last = slots - 1;
            var lastPartner = _slotPartner[last];
            var lastGoesOn = start[lastPartner + 1] > end;
            for (var s = 0; s < (lastGoesOn ? last : slots); s++)
            {
                Emit(output, s, SlotBits(s) | (s == 0 ? _carriedBits : 0), _slotPartner[s], offset, partnerFirst);
            }

            if (lastGoesOn)
            {
                var bits = SlotBits(last);
                if (last == 0)
                {
                    _carriedBits |= bits;
                }
                else
                {
                    MoveToSlotZero(last);
                    _carriedBits = bits;
                }

                p = lastPartner;
            }
            else
            {
                _carriedBits = 0;
                p = WithRows(start, lastPartner + 1, toPartner);
            }

            i = end;
        }
    }

    /// <summary>The first partner from <paramref name="p"/> on that has rows (<paramref name="toPartner"/> if none).</summary>
    private static int WithRows(int[] start, int p, int toPartner)
    {
        while (p < toPartner && start[p + 1] == start[p])
        {
            p++;
        }

        return p;
    }

    /// <summary>
    /// Writes each of rows [from, from + n)'s cell offset (((slot × size + index) · replicas + row mod replicas) · 2), the
    /// slot being the count of partner marks up to the row, and per eight rows whether they share one cell (keys that
    /// follow the stage come in runs); returns how many do. The marks are cleared as they are read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Codes<TKey>(PipelineColumns c, TKey key, int from, int n)
        where TKey : struct, IRowKey
    {
        var currency = c.Currency;
        ref var codes0 = ref MemoryMarshal.GetArrayDataReference(_codes);
        ref var marks0 = ref MemoryMarshal.GetArrayDataReference(_marks);
        var slot = 0;
        var runs = 0;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var sizes = Vector256.Create(_size);
            var currencyCount = Vector256.Create(_currencies);
            var lanes = Vector256.Create(0, 1, 0, 1, 0, 1, 0, 1);
            for (; j + 8 <= n; j += 8)
            {
                // Eight marks as bytes of a word: times 0x0101…01, each byte becomes the count of marks up to it.
                ref var marks = ref Unsafe.Add(ref marks0, j);
                var upTo = Unsafe.ReadUnaligned<ulong>(ref marks) * 0x0101010101010101UL;
                Unsafe.WriteUnaligned(ref marks, 0UL);
                var slots = Vector256.Create(slot) + ByteKey.Widen8(upTo);
                slot += (int)(upTo >> 56);
                var entry = (slots * sizes) + (key.Codes8(from + j) * currencyCount) + ByteKey.Widen8(currency, from + j);
                (((entry << ReplicaShift) | lanes) << 1).StoreUnsafe(ref codes0, (nuint)j);
                var same = Vector256.EqualsAll(entry, Vector256.Create(entry.ToScalar()));
                _uniform[j >> 3] = same;
                runs += same ? 1 : 0;
            }
        }

        for (; j < n; j++)
        {
            slot += Unsafe.Add(ref marks0, j);
            Unsafe.Add(ref marks0, j) = 0;
            var entry = (slot * _size) + (key.Code(from + j) * _currencies) + currency[from + j];
            Unsafe.Add(ref codes0, j) = ((entry << ReplicaShift) | (j & 1)) << 1;
        }

        return runs;
    }

    /// <summary>The indexes slot <paramref name="s"/>'s rows of this block touched, as bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong SlotBits(int s)
    {
        ref var codes0 = ref MemoryMarshal.GetArrayDataReference(_codes);
        var from = _slotRow[s];
        var to = _slotRow[s + 1];
        var first = s * _size;
        var bits = 0UL;
        var j = from;
        if (Avx2.IsSupported)
        {
            // Whole vectors: the lanes past the slot's rows (another slot's, or stale) get index 64, which sets no bit.
            var ones = Vector256.Create(1UL);
            var acc = Vector256<ulong>.Zero;
            var firsts = Vector256.Create(first);
            var outside = Vector256.Create(64);
            for (; j < to; j += 8)
            {
                var index = (Vector256.LoadUnsafe(ref codes0, (nuint)j) >> (ReplicaShift + 1)) - firsts;
                index = Vector256.ConditionalSelect(Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(to - j)), index, outside);
                var (low, high) = Vector256.Widen(index.AsUInt32());
                acc |= Avx2.ShiftLeftLogicalVariable(ones, low) | Avx2.ShiftLeftLogicalVariable(ones, high);
            }

            var half = acc.GetLower() | acc.GetUpper();
            return half.GetElement(0) | half.GetElement(1);
        }

        for (; j < to; j++)
        {
            bits |= 1UL << ((Unsafe.Add(ref codes0, j) >> (ReplicaShift + 1)) - first);
        }

        return bits;
    }

    /// <summary>Writes slot <paramref name="s"/>'s groups (the indexes in <paramref name="bits"/>) and clears its cells.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(GroupBuffer output, int s, ulong bits, int partner, int offset, bool partnerFirst)
    {
        var at = output.ReserveNarrow(BitOperations.PopCount(bits));
        var (first, second, currency, count, amount, weighted) = output.NarrowColumns;
        ref var first0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(first), at);
        ref var second0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(second), at);
        ref var currency0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(currency), at);
        ref var count0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(count), at);
        ref var amount0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(amount), at);
        ref var weighted0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(weighted), at);
        ref var keyOf0 = ref MemoryMarshal.GetArrayDataReference(_keyOf);
        ref var currencyOf0 = ref MemoryMarshal.GetArrayDataReference(_currencyOf);
        ref var pairs0 = ref Pairs(s);
        var sumBits = _packing.SumBits;
        var amountMask = _packing.Unit - 1;
        for (var j = 0; bits != 0; j++)
        {
            var k = BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            var cell = Take(ref Unsafe.Add(ref pairs0, k));
            var other = Unsafe.Add(ref keyOf0, k) + offset;
            Unsafe.Add(ref first0, j) = partnerFirst ? partner : other;
            Unsafe.Add(ref second0, j) = partnerFirst ? other : partner;
            Unsafe.Add(ref currency0, j) = Unsafe.Add(ref currencyOf0, k);
            var packed = cell.ToScalar();
            Unsafe.Add(ref count0, j) = (int)((ulong)packed >> sumBits);
            Unsafe.Add(ref amount0, j) = packed & amountMask;
            Unsafe.Add(ref weighted0, j) = cell.GetElement(1);
        }
    }

    /// <summary>Moves slot <paramref name="s"/>'s cells to slot 0 (cleared: its partner was written).</summary>
    private void MoveToSlotZero(int s)
    {
        ref var from = ref Pairs(s);
        ref var to = ref Pairs(0);
        for (var k = 0; k < _size; k++)
        {
            Unsafe.Add(ref to, k) = Unsafe.Add(ref from, k);
            Unsafe.Add(ref from, k) = Vector256<long>.Zero;
        }
    }

    /// <summary>Slot <paramref name="s"/>'s first index's pair of replicas (each index's are adjacent: 32 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Vector256<long> Pairs(int s) =>
        ref Unsafe.Add(ref Unsafe.As<long, Vector256<long>>(ref MemoryMarshal.GetArrayDataReference(_cells)), s * _size);

    /// <summary>An index's two replicas summed (at most a chunk's rows, so exact), and cleared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> Take(ref Vector256<long> pair)
    {
        var sum = pair.GetLower() + pair.GetUpper();
        pair = Vector256<long>.Zero;
        return sum;
    }
}
