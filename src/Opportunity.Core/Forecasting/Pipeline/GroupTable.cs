namespace Opportunity.Forecasting;

/// <summary>A dense table of exact group sums (count, amount, weighted) indexed by a combined key; one per thread, added at the end.</summary>
internal sealed class GroupTable(int size)
{
    public long[] Count { get; } = new long[size];

    public Int128[] Amount { get; } = new Int128[size];

    public Int128[] Weighted { get; } = new Int128[size];

    public void Add(GroupTable other)
    {
        for (var k = 0; k < Count.Length; k++)
        {
            Count[k] += other.Count[k];
            Amount[k] += other.Amount[k];
            Weighted[k] += other.Weighted[k];
        }
    }
}
