using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Opportunity.Forecasting;

/// <summary>
/// What the deals with lines change in a product grouping, per key (other code × <c>otherStride</c> +
/// product × <c>productStride</c> + currency, so that key order is the grouping's order): each deal out of
/// <c>(none)</c> (product 0), its parts in under their products.
/// <para>
/// A key's parts are summed in one 16-byte cell, count and amount packed by <see cref="PackedCount"/> beside the
/// weighted sum, so a part costs one vector add. A deal's parts are under one (none) key (its other code and
/// currency) and add up to the deal, so what leaves (none) is the sum of the cells at that key's products: only the
/// deals are counted per (none) key, and only the (none) keys are listed (when their count was 0). After a chunk
/// of parts (<see cref="PackedCount.ChunkRows"/>, which also keeps the 64-bit weighted sums within
/// <see cref="PipelineAggregator.SafeRows"/>: a part adds at most its deal's amount × 10,000) the listed keys are
/// unpacked into 128-bit carries.
/// </para>
/// </summary>
internal sealed class LineSums(int size, int products, PackedCount packing, int otherStride, int productStride)
{
    private const int CellLongs = 2;

    private readonly long[] _cells = new long[size * CellLongs];
    private readonly int[] _deals = new int[size];
    private readonly int _chunk = packing.ChunkRows;

    // (none) keys whose deal count was 0, since the last unpack: the list is written before its length is advanced (no branch), hence one more.
    private readonly int[] _listed = new int[size + 1];
    private int _listedCount;
    private int _partsInChunk;

    // The changes of the listed keys at every product while they are drained, in list order.
    private readonly Change[] _changes = new Change[size + products];

    // (none) keys unpacked since the last drain, and their carries (allocated at the first unpack).
    private readonly List<int> _unpacked = [];
    private bool[]? _unpackedMark;
    private Wide[]? _carry;

    /// <summary>
    /// Adds the deals from part <paramref name="from"/> on, up to the first of row <paramref name="rowEnd"/> or later, under the
    /// row's code of <paramref name="key"/>; returns where it stopped.
    /// </summary>
    public int AddDeals<TKey>(PipelineColumns c, ProductParts parts, int from, int rowEnd, TKey key)
        where TKey : struct, IRowKey
    {
        var cursor = new Cursor { Part = from, Row = -1, RunAt = -1 };
        while (true)
        {
            if (_partsInChunk == _chunk)
            {
                // The chunk is full (maybe by an earlier call): it is unpacked, and the current deal's key listed again in case
                // the deal goes on (its parts so far are unpacked with the next chunk; a key listed twice is found empty the second time).
                AddRun(cursor.RunAt, cursor.RunDeals);
                Unpack();
                AddRun(cursor.RunAt, 0);
                cursor.RunDeals = 0;
            }

            var left = _chunk - _partsInChunk;
            var end = left < parts.Count - cursor.Part ? cursor.Part + left : parts.Count;
            var start = cursor.Part;
            AddParts(c, parts, end, rowEnd, key, ref cursor);
            _partsInChunk += cursor.Part - start;
            if (cursor.Part == parts.Count || parts.Row[cursor.Part] >= rowEnd)
            {
                break;
            }
        }

        AddRun(cursor.RunAt, cursor.RunDeals);
        return cursor.Part;
    }

    /// <summary>
    /// Adds parts up to <paramref name="end"/> (a deal may go on past it) or the first of row <paramref name="rowEnd"/>: each in
    /// its key's cell, and each deal counted (once, at its first part) under its (none) key.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private void AddParts<TKey>(PipelineColumns c, ProductParts parts, int end, int rowEnd, TKey key, ref Cursor cursor)
        where TKey : struct, IRowKey
    {
        ref var row = ref MemoryMarshal.GetArrayDataReference(parts.Row);
        ref var product = ref MemoryMarshal.GetArrayDataReference(parts.Product);
        ref var amount = ref MemoryMarshal.GetArrayDataReference(parts.Amount);
        ref var cells = ref MemoryMarshal.GetArrayDataReference(_cells);
        var unit = Vector128.CreateScalar(packing.Unit);
        var productLongs = (nint)productStride * CellLongs;
        var (e, i, previous, bp) = (cursor.Part, cursor.Row, cursor.Previous, cursor.BasisPoints);
        var (runAt, runDeals) = (cursor.RunAt, cursor.RunDeals);
        ref var keyCells = ref Unsafe.Add(ref cells, (nint)Math.Max(runAt, 0) * CellLongs);
        for (; e < end; e++)
        {
            var r = Unsafe.Add(ref row, e);
            if (r != i)
            {
                if (r >= rowEnd)
                {
                    break;
                }

                // Deals are counted in a register while their (none) key stays the same (rows are clustered by partner, so
                // without another key it changes only with the currency), and added to the key's count when it changes.
                i = r;
                var at = (key.Code(i) * otherStride) + c.Currency[i];
                if (at != runAt)
                {
                    AddRun(runAt, runDeals);
                    (runAt, runDeals) = (at, 0);
                    keyCells = ref Unsafe.Add(ref cells, (nint)at * CellLongs);
                }

                runDeals++;
                bp = c.BasisPoints[i];
                previous = -1;
            }

            int p = Unsafe.Add(ref product, e);
            var a = Unsafe.Add(ref amount, e);

            // The same product twice in one deal (rows given by hand, adjacent after sorting) counts the deal once.
            Cell(ref keyCells, p * productLongs) += Vector128.Create(a, a * bp) + (p != previous ? unit : Vector128<long>.Zero);
            previous = p;
        }

        cursor = new Cursor { Part = e, Row = i, Previous = previous, BasisPoints = bp, RunAt = runAt, RunDeals = runDeals };
    }

    /// <summary>Adds a run's deals to its (none) key's count, listing the key if the count was 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddRun(int at, int deals)
    {
        if (at >= 0)
        {
            ref var count = ref _deals[at];
            _listed[_listedCount] = at;
            _listedCount += count == 0 ? 1 : 0;
            count += deals;
        }
    }

    /// <summary>Hands every key changed since the last drain (non-zero changes only) to <paramref name="emit"/> in key order, and starts over.</summary>
    public void Drain<TEmit>(ref TEmit emit)
        where TEmit : struct, IEmit
    {
        if (_unpacked.Count == 0)
        {
            // Nothing unpacked since the last drain (the usual case): the packed cells are the whole change.
            var keys = _listed.AsSpan(0, _listedCount);
            SortKeys(keys);
            var distinct = 0;
            foreach (var at in keys)
            {
                if (distinct == 0 || keys[distinct - 1] != at)
                {
                    TakeChanges(at, _changes.AsSpan(distinct * products, products));
                    keys[distinct++] = at;
                }
            }

            ForEachKey(keys[..distinct], ref emit, fromCarry: false);
            _listedCount = 0;
            _partsInChunk = 0;
            return;
        }

        Unpack();
        var unpacked = CollectionsMarshal.AsSpan(_unpacked);
        SortKeys(unpacked);
        ForEachKey(unpacked, ref emit, fromCarry: true);
        foreach (var at in unpacked)
        {
            _unpackedMark![at] = false;
        }

        _unpacked.Clear();
    }

    /// <summary>
    /// The keys of the (none) keys <paramref name="noneKeys"/> (sorted, distinct) at every product, in key order: product
    /// after product when the product is the outer part of the key, else (other code first) each code's run at every product.
    /// Without carries the changes are those taken in list order.
    /// </summary>
    private void ForEachKey<TEmit>(Span<int> noneKeys, ref TEmit emit, bool fromCarry)
        where TEmit : struct, IEmit
    {
        for (var run = 0; run < noneKeys.Length;)
        {
            var end = noneKeys.Length;
            if (otherStride > productStride)
            {
                var start = noneKeys[run] - (noneKeys[run] % otherStride);
                for (end = run + 1; end < noneKeys.Length && noneKeys[end] < start + otherStride; end++)
                {
                }
            }

            for (var p = 0; p < products; p++)
            {
                for (var j = run; j < end; j++)
                {
                    var at = noneKeys[j];
                    if (fromCarry)
                    {
                        ref var w = ref _carry![at + (p * productStride)];
                        if (w.Count != 0 || w.Amount != Int128.Zero || w.Weighted != Int128.Zero)
                        {
                            emit.Emit(at, p, w.Count, w.Amount, w.Weighted);
                        }

                        w = default;
                        continue;
                    }

                    var change = _changes[(j * products) + p];
                    if (change.Count != 0 || change.Amount != 0 || change.Weighted != 0)
                    {
                        emit.Emit(at, p, change.Count, change.Amount, change.Weighted);
                    }
                }
            }

            run = end;
        }
    }

    /// <summary>
    /// The changes of a (none) key at every product, whose cells and count are emptied: its own cell less its deals, which
    /// are the sum of the cells at every product (a deal's parts add up to its amount: the builder checks), and the other cells.
    /// </summary>
    private void TakeChanges(int at, Span<Change> changes)
    {
        ref var cells = ref MemoryMarshal.GetArrayDataReference(_cells);
        var (amountOut, weightedOut) = (0L, 0L);
        for (var p = 0; p < products; p++)
        {
            ref var cell = ref Cell(ref cells, (nint)(at + (p * productStride)) * CellLongs);
            var (count, amountSum, weighted) = (packing.Count(cell.ToScalar()), packing.Amount(cell.ToScalar()), cell.GetElement(1));
            cell = default;
            changes[p] = new Change(count, amountSum, weighted);
            amountOut += amountSum;
            weightedOut += weighted;
        }

        ref var deals = ref _deals[at];
        changes[0] = new Change(changes[0].Count - deals, changes[0].Amount - amountOut, changes[0].Weighted - weightedOut);
        deals = 0;
    }

    /// <summary>A partner's few keys by insertion (no call per partner into the general sort), or the general sort.</summary>
    private static void SortKeys(Span<int> keys)
    {
        if (keys.Length > 32)
        {
            keys.Sort();
            return;
        }

        for (var i = 1; i < keys.Length; i++)
        {
            var k = keys[i];
            var j = i - 1;
            for (; j >= 0 && keys[j] > k; j--)
            {
                keys[j + 1] = keys[j];
            }

            keys[j + 1] = k;
        }
    }

    /// <summary>Moves the changes of the listed keys, at every product, into their 128-bit carries.</summary>
    private void Unpack()
    {
        _carry ??= new Wide[size];
        _unpackedMark ??= new bool[size];
        var changes = _changes.AsSpan(0, products);
        foreach (var at in _listed.AsSpan(0, _listedCount))
        {
            TakeChanges(at, changes);
            for (var p = 0; p < products; p++)
            {
                ref var w = ref _carry[at + (p * productStride)];
                w.Count += changes[p].Count;
                w.Amount += changes[p].Amount;
                w.Weighted += changes[p].Weighted;
            }

            if (!_unpackedMark[at])
            {
                _unpackedMark[at] = true;
                _unpacked.Add(at);
            }
        }

        _listedCount = 0;
        _partsInChunk = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref Vector128<long> Cell(ref long cells, nint offset) => ref Unsafe.As<long, Vector128<long>>(ref Unsafe.Add(ref cells, offset));

    /// <summary>Receives the drained changes: the key's (none) key and its product.</summary>
    public interface IEmit
    {
        void Emit(int noneKey, int product, long count, Int128 amount, Int128 weighted);
    }

    /// <summary>Where the adding stands: the next part, the current deal (row, last product, basis points) and run.</summary>
    private struct Cursor
    {
        public int Part;
        public int Row;
        public int Previous;
        public long BasisPoints;
        public int RunAt;
        public int RunDeals;
    }

    private readonly record struct Change(long Count, long Amount, long Weighted);

    private struct Wide
    {
        public long Count;
        public Int128 Amount;
        public Int128 Weighted;
    }
}
