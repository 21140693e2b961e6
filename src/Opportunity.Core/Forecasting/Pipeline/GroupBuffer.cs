using System.Buffers;

namespace Opportunity.Forecasting;

/// <summary>
/// Grouped sums as columns: one entry per (first code, second code, currency) with rows. In the
/// narrow form sums are 64-bit (used when even the grand total of the source cannot overflow a
/// long, which is the usual case), otherwise 128-bit. The columns are rented from
/// <see cref="ArrayPool{T}.Shared"/> and returned by <see cref="Release"/>, so repeated groupings
/// reuse warm memory instead of faulting in fresh pages for every result.
/// </summary>
internal sealed class GroupBuffer
{
    private int[] _first;
    private int[] _second;
    private byte[] _currency;
    private int[] _count;
    private long[] _amount64;
    private long[] _weighted64;
    private Int128[] _amount128;
    private Int128[] _weighted128;

    public GroupBuffer(int capacity, bool wide)
    {
        // Entries are written before they are read, so rented (stale) arrays are fine.
        capacity = Math.Max(capacity, 4);
        Wide = wide;
        _first = ArrayPool<int>.Shared.Rent(capacity);
        _second = ArrayPool<int>.Shared.Rent(capacity);
        _currency = ArrayPool<byte>.Shared.Rent(capacity);
        _count = ArrayPool<int>.Shared.Rent(capacity);
        _amount64 = wide ? [] : ArrayPool<long>.Shared.Rent(capacity);
        _weighted64 = wide ? [] : ArrayPool<long>.Shared.Rent(capacity);
        _amount128 = wide ? ArrayPool<Int128>.Shared.Rent(capacity) : [];
        _weighted128 = wide ? ArrayPool<Int128>.Shared.Rent(capacity) : [];
    }

    /// <summary>Returns the columns to the pool; the buffer must not be used afterwards.</summary>
    public void Release()
    {
        Return(ref _first);
        Return(ref _second);
        Return(ref _currency);
        Return(ref _count);
        Return(ref _amount64);
        Return(ref _weighted64);
        Return(ref _amount128);
        Return(ref _weighted128);
        Length = 0;
    }

    private static void Return<T>(ref T[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<T>.Shared.Return(array);
        }

        array = [];
    }

    public bool Wide { get; }

    public int Length { get; private set; }

    public int First(int i) => _first[i];

    public int Second(int i) => _second[i];

    public byte Currency(int i) => _currency[i];

    public int Count(int i) => _count[i];

    public Int128 Amount(int i) => Wide ? _amount128[i] : _amount64[i];

    public Int128 Weighted(int i) => Wide ? _weighted128[i] : _weighted64[i];

    public void Add(int first, int second, int currency, int count, Int128 amount, Int128 weighted)
    {
        var i = Reserve();
        _first[i] = first;
        _second[i] = second;
        _currency[i] = (byte)currency;
        _count[i] = count;
        if (Wide)
        {
            _amount128[i] = amount;
            _weighted128[i] = weighted;
        }
        else
        {
            _amount64[i] = (long)amount;
            _weighted64[i] = (long)weighted;
        }
    }

    /// <summary>Adds every entry's sums to the per-currency totals.</summary>
    public void AddTotalsByCurrency(long[] count, Int128[] amount, Int128[] weighted)
    {
        if (Wide)
        {
            for (var i = 0; i < Length; i++)
            {
                count[_currency[i]] += _count[i];
                amount[_currency[i]] += _amount128[i];
                weighted[_currency[i]] += _weighted128[i];
            }

            return;
        }

        // Narrow: even the grand total fits a long, so sum in longs and widen once.
        var narrowAmount = new long[amount.Length];
        var narrowWeighted = new long[weighted.Length];
        for (var i = 0; i < Length; i++)
        {
            count[_currency[i]] += _count[i];
            narrowAmount[_currency[i]] += _amount64[i];
            narrowWeighted[_currency[i]] += _weighted64[i];
        }

        for (var c = 0; c < amount.Length; c++)
        {
            amount[c] += narrowAmount[c];
            weighted[c] += narrowWeighted[c];
        }
    }

    /// <summary>The first code and currency columns, for loops that compare keys.</summary>
    public (int[] First, byte[] Currency) KeyColumns => (_first, _currency);

    /// <summary>Adds an entry to a narrow buffer (no 128-bit arithmetic).</summary>
    public void AddNarrow(int first, int second, int currency, int count, long amount, long weighted)
    {
        var i = Reserve();
        _first[i] = first;
        _second[i] = second;
        _currency[i] = (byte)currency;
        _count[i] = count;
        _amount64[i] = amount;
        _weighted64[i] = weighted;
    }

    /// <summary>Reserves <paramref name="n"/> entries at the end of a narrow buffer, to be written through <see cref="NarrowColumns"/>; returns the first's index.</summary>
    public int ReserveNarrow(int n)
    {
        if (Wide)
        {
            throw new InvalidOperationException("ReserveNarrow needs a narrow buffer.");
        }

        while (Length + n > _first.Length)
        {
            GrowTo(Math.Max(_first.Length * 2, Length + n));
        }

        var at = Length;
        Length += n;
        return at;
    }

    /// <summary>Gives back the reserved entries from <paramref name="length"/> on (those a loop reserved but did not write).</summary>
    public void Shrink(int length)
    {
        if ((uint)length > (uint)Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "Shrink cannot grow the buffer.");
        }

        Length = length;
    }

    /// <summary>The columns of a narrow buffer, for loops that write reserved entries themselves.</summary>
    public (int[] First, int[] Second, byte[] Currency, int[] Count, long[] Amount, long[] Weighted) NarrowColumns =>
        (_first, _second, _currency, _count, _amount64, _weighted64);

    /// <summary>
    /// Fills a narrow buffer with exactly <paramref name="length"/> entries through the given
    /// writer (which writes index 0..length−1 of the arrays), for loops that know their output size.
    /// </summary>
    public void FillNarrow(int length, NarrowWriter writer)
    {
        if (Wide || length > _first.Length)
        {
            throw new InvalidOperationException("FillNarrow needs a narrow buffer of sufficient capacity.");
        }

        writer(_first, _second, _currency, _count, _amount64, _weighted64);
        Length = length;
    }

    /// <summary>Writes entries straight into a narrow buffer's columns.</summary>
    public delegate void NarrowWriter(int[] first, int[] second, byte[] currency, int[] count, long[] amount, long[] weighted);

    /// <summary>Concatenates buffers in order.</summary>
    public static GroupBuffer Concat(IReadOnlyList<GroupBuffer> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var result = new GroupBuffer(parts.Sum(p => p.Length), wide: true);
        foreach (var part in parts)
        {
            for (var i = 0; i < part.Length; i++)
            {
                result.Add(part._first[i], part._second[i], part._currency[i], part._count[i], part.Amount(i), part.Weighted(i));
            }

            part.Release();
        }

        return result;
    }

    /// <summary>Reorders entries by first code (stable), for pairs computed inner-dimension first.</summary>
    public GroupBuffer StableSortByFirst(int firstOffset, int firstCardinality)
    {
        var starts = new int[firstCardinality + 1];
        for (var i = 0; i < Length; i++)
        {
            starts[_first[i] - firstOffset + 1]++;
        }

        for (var k = 0; k < firstCardinality; k++)
        {
            starts[k + 1] += starts[k];
        }

        var order = new int[Length];
        for (var i = 0; i < Length; i++)
        {
            order[starts[_first[i] - firstOffset]++] = i;
        }

        var result = new GroupBuffer(Length, Wide);
        foreach (var i in order)
        {
            result.Add(_first[i], _second[i], _currency[i], _count[i], Amount(i), Weighted(i));
        }

        Release();
        return result;
    }

    private int Reserve()
    {
        if (Length == _first.Length)
        {
            GrowTo(Math.Max(Length * 2, 16));
        }

        return Length++;
    }

    private void GrowTo(int size)
    {
        Grow(ref _first, size);
        Grow(ref _second, size);
        Grow(ref _currency, size);
        Grow(ref _count, size);
        Grow(ref _amount64, size);
        Grow(ref _weighted64, size);
        Grow(ref _amount128, size);
        Grow(ref _weighted128, size);
    }

    private void Grow<T>(ref T[] array, int size)
    {
        if (array.Length == 0)
        {
            return; // the unused column of the other width
        }

        var copy = ArrayPool<T>.Shared.Rent(size);
        Array.Copy(array, copy, Length);
        ArrayPool<T>.Shared.Return(array);
        array = copy;
    }
}
