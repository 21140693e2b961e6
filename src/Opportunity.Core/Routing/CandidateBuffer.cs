namespace Opportunity.Routing;

/// <summary>A growable list of partner indexes, reused across decisions on one thread.</summary>
internal sealed class CandidateBuffer
{
    private int[] _items = new int[64];

    public int Count { get; set; }

    public Span<int> Items => _items.AsSpan(0, Count);

    public int this[int index] => _items[index];

    public void Clear() => Count = 0;

    public void Add(int item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = item;
    }

    public void AddRange(ReadOnlySpan<int> items)
    {
        if (Count + items.Length > _items.Length)
        {
            Array.Resize(ref _items, Math.Max(_items.Length * 2, Count + items.Length));
        }

        items.CopyTo(_items.AsSpan(Count));
        Count += items.Length;
    }

    public void SortFrom(int start) => _items.AsSpan(start, Count - start).Sort();

    public void SortAndDistinctFrom(int start)
    {
        var span = _items.AsSpan(start, Count - start);
        span.Sort();
        var kept = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (kept == 0 || span[i] != span[kept - 1])
            {
                span[kept++] = span[i];
            }
        }

        Count = start + kept;
    }
}
