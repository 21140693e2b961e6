using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Opportunity.Forecasting;

/// <summary>
/// What the deals with lines change in a product grouping, per key (other code × <c>otherStride</c> +
/// product × <c>productStride</c> + currency, so that key order is the grouping's order): each deal out of
/// <c>(none)</c> (product 0), its parts in under their products. Sums are 64-bit and folded into 128-bit
/// carries before <c>safe</c> deals have been added (<see cref="PipelineAggregator.SafeRows"/>: a deal moves
/// at most its amount × 10,000 into one key). The keys touched since the last fold, and since the last
/// drain, are listed, so folding and draining cost what was touched rather than the whole table (however
/// small the safe count).
/// </summary>
internal sealed class LineSums(int size, int safe, int otherStride, int productStride)
{
    private readonly Narrow[] _narrow = new Narrow[size];
    private readonly Wide[] _carry = new Wide[size];

    // Keys touched since the last fold: the list is written before its length is advanced (no branch), hence one more.
    // A product's key is new while its count is 0 (a part counts its deal once, so the count only grows); the
    // (none) key, where deals go out and parts of product 0 (a blank product) come in, is marked per fold instead.
    private readonly int[] _recent = new int[size + 1];
    private readonly int[] _noneStamp = new int[size];
    private int _recentCount;
    private int _recentMark = 1;

    // Keys folded since the last drain.
    private readonly int[] _folded = new int[size];
    private readonly int[] _foldedStamp = new int[size];
    private int _foldedCount;
    private int _foldedMark = 1;

    private int _deals;

    /// <summary>
    /// Adds the deals of parts <paramref name="from"/> to <paramref name="to"/> (whole deals), under the row's code of
    /// <paramref name="key"/>. A deal's parts add up to its amount (the builder checks), so the deal taken out of
    /// (none) is the sum of its parts and its amount column is not read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddDeals<TKey>(PipelineColumns c, ProductParts parts, int from, int to, TKey key)
        where TKey : struct, IRowKey
    {
        ref var row = ref MemoryMarshal.GetArrayDataReference(parts.Row);
        ref var product = ref MemoryMarshal.GetArrayDataReference(parts.Product);
        ref var amount = ref MemoryMarshal.GetArrayDataReference(parts.Amount);
        ref var currency = ref MemoryMarshal.GetArrayDataReference(c.Currency);
        ref var basisPoints = ref MemoryMarshal.GetArrayDataReference(c.BasisPoints);
        ref var narrow = ref MemoryMarshal.GetArrayDataReference(_narrow);
        ref var stamp = ref MemoryMarshal.GetArrayDataReference(_noneStamp);
        ref var recent = ref MemoryMarshal.GetArrayDataReference(_recent);
        var t = _recentCount;
        var mark = _recentMark;
        var deals = _deals;
        for (var e = from; e < to;)
        {
            if (deals == safe)
            {
                _recentCount = t;
                Fold();
                (t, mark, deals) = (0, _recentMark, 0);
            }

            var i = Unsafe.Add(ref row, e);
            var at = (key.Code(i) * otherStride) + Unsafe.Add(ref currency, i);
            long bp = Unsafe.Add(ref basisPoints, i);
            var dealAmount = 0L;
            var previous = -1;
            do
            {
                int p = Unsafe.Add(ref product, e);
                var a = Unsafe.Add(ref amount, e);
                var k = at + (p * productStride);
                ref var s = ref Unsafe.Add(ref narrow, k);
                Unsafe.Add(ref recent, t) = k;
                t += (s.Count == 0) & (p != 0) ? 1 : 0;

                // The same product twice in one deal (rows given by hand, adjacent after sorting) counts the deal once.
                s.Count += p != previous ? 1 : 0;
                s.Amount += a;
                s.Weighted += a * bp;
                dealAmount += a;
                previous = p;
                e++;
            }
            while (e < to && Unsafe.Add(ref row, e) == i);

            ref var none = ref Unsafe.Add(ref narrow, at);
            none.Count--;
            none.Amount -= dealAmount;
            none.Weighted -= dealAmount * bp;
            ref var noneStamp = ref Unsafe.Add(ref stamp, at);
            Unsafe.Add(ref recent, t) = at;
            t += noneStamp != mark ? 1 : 0;
            noneStamp = mark;
            deals++;
        }

        _recentCount = t;
        _deals = deals;
    }

    /// <summary>Hands every key changed since the last drain (non-zero changes only) to <paramref name="emit"/> in key order, and starts over.</summary>
    public void Drain<TEmit>(ref TEmit emit)
        where TEmit : struct, IEmit
    {
        if (_foldedCount == 0)
        {
            // Nothing folded since the last drain (the usual case): the 64-bit sums are the whole change.
            var recent = _recent.AsSpan(0, _recentCount);
            SortKeys(recent);
            foreach (var k in recent)
            {
                ref var s = ref _narrow[k];
                if (s.Count != 0 || s.Amount != 0 || s.Weighted != 0)
                {
                    emit.Emit(k, (int)s.Count, s.Amount, s.Weighted);
                }

                s = default;
            }

            _recentCount = 0;
            _recentMark++;
            _deals = 0;
            return;
        }

        Fold();
        var folded = _folded.AsSpan(0, _foldedCount);
        SortKeys(folded);
        foreach (var k in folded)
        {
            ref var w = ref _carry[k];
            if (w.Count != 0 || w.Amount != Int128.Zero || w.Weighted != Int128.Zero)
            {
                emit.Emit(k, (int)w.Count, w.Amount, w.Weighted);
            }

            w = default;
        }

        _foldedCount = 0;
        _foldedMark++;
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

    /// <summary>Moves the 64-bit sums of the keys touched since the last fold into their 128-bit carries.</summary>
    private void Fold()
    {
        foreach (var k in _recent.AsSpan(0, _recentCount))
        {
            ref var s = ref _narrow[k];
            ref var w = ref _carry[k];
            w.Count += s.Count;
            w.Amount += s.Amount;
            w.Weighted += s.Weighted;
            s = default;
            if (_foldedStamp[k] != _foldedMark)
            {
                _foldedStamp[k] = _foldedMark;
                _folded[_foldedCount++] = k;
            }
        }

        _recentCount = 0;
        _recentMark++;
        _deals = 0;
    }

    /// <summary>Receives the drained changes.</summary>
    public interface IEmit
    {
        void Emit(int key, int count, Int128 amount, Int128 weighted);
    }

    private struct Narrow
    {
        public long Count;
        public long Amount;
        public long Weighted;
    }

    private struct Wide
    {
        public long Count;
        public Int128 Amount;
        public Int128 Weighted;
    }
}
