namespace Opportunity.Forecasting;

/// <summary>
/// Grouped sums as columns: one entry per (first code, second code, currency) with rows. In the
/// narrow form sums are 64-bit (used when even the grand total of the source cannot overflow a
/// long, which is the usual case), otherwise 128-bit.
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
        // Entries are written before they are read: skip zeroing large arrays.
        capacity = Math.Max(capacity, 4);
        Wide = wide;
        _first = GC.AllocateUninitializedArray<int>(capacity);
        _second = GC.AllocateUninitializedArray<int>(capacity);
        _currency = GC.AllocateUninitializedArray<byte>(capacity);
        _count = GC.AllocateUninitializedArray<int>(capacity);
        _amount64 = wide ? [] : GC.AllocateUninitializedArray<long>(capacity);
        _weighted64 = wide ? [] : GC.AllocateUninitializedArray<long>(capacity);
        _amount128 = wide ? GC.AllocateUninitializedArray<Int128>(capacity) : [];
        _weighted128 = wide ? GC.AllocateUninitializedArray<Int128>(capacity) : [];
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

        return result;
    }

    private int Reserve()
    {
        if (Length == _first.Length)
        {
            var size = Length * 2;
            _first = Grow(_first, size);
            _second = Grow(_second, size);
            _currency = Grow(_currency, size);
            _count = Grow(_count, size);
            _amount64 = Wide ? _amount64 : Grow(_amount64, size);
            _weighted64 = Wide ? _weighted64 : Grow(_weighted64, size);
            _amount128 = Wide ? Grow(_amount128, size) : _amount128;
            _weighted128 = Wide ? Grow(_weighted128, size) : _weighted128;
        }

        return Length++;
    }

    private static T[] Grow<T>(T[] array, int size)
    {
        var copy = GC.AllocateUninitializedArray<T>(size);
        Array.Copy(array, copy, Math.Min(array.Length, size));
        return copy;
    }
}
