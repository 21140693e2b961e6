namespace Opportunity.Forecasting;

/// <summary>
/// A roll-up's exact sums per inner node and cell (forecast category × snapshot currency): count, amount
/// and amount × basis points, in chunks of whole nodes whose arrays stay under the large object heap's
/// threshold. A roll-up's sums live as long as the roll-up; as one set of large arrays (3.6 MB at 10^7
/// deals) every roll-up fed the large object heap, whose budget is collected with the whole heap
/// (generation 2), about once per roll-up — measured as most of a root read at 10^6 deals
/// (docs/performance.md).
/// </summary>
internal sealed class InnerNodeSums
{
    // Below the 85,000 bytes at which an array goes to the large object heap.
    private const int MaxChunkBytes = 80_000;

    public InnerNodeSums(int nodes, int width)
    {
        Width = width;
        NodesPerChunk = Math.Max(1, MaxChunkBytes / Math.Max(1, width * 16));
        var chunks = (nodes + NodesPerChunk - 1) / NodesPerChunk;
        Count = new long[chunks][];
        Amount = new Int128[chunks][];
        Weighted = new Int128[chunks][];
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var cells = Math.Min(NodesPerChunk, nodes - (chunk * NodesPerChunk)) * width;
            Count[chunk] = new long[cells];
            Amount[chunk] = new Int128[cells];
            Weighted[chunk] = new Int128[cells];
        }
    }

    /// <summary>Cells per node.</summary>
    public int Width { get; }

    /// <summary>Nodes per chunk (the last may hold fewer).</summary>
    public int NodesPerChunk { get; }

    public long[][] Count { get; }

    public Int128[][] Amount { get; }

    public Int128[][] Weighted { get; }

    /// <summary>The chunk holding <paramref name="node"/>'s cells.</summary>
    public int Chunk(int node) => node / NodesPerChunk;

    /// <summary>The index of <paramref name="node"/>'s first cell in its chunk.</summary>
    public int Offset(int node) => node % NodesPerChunk * Width;

    /// <summary>Adds every cell of <paramref name="node"/> to the same cell of <paramref name="parent"/>.</summary>
    public void AddTo(int node, int parent)
    {
        var (fromChunk, toChunk) = (Chunk(node), Chunk(parent));
        var (count, amount, weighted) = (Count[fromChunk], Amount[fromChunk], Weighted[fromChunk]);
        var (toCount, toAmount, toWeighted) = (Count[toChunk], Amount[toChunk], Weighted[toChunk]);
        for (int from = Offset(node), to = Offset(parent), end = from + Width; from < end; from++, to++)
        {
            toCount[to] += count[from];
            toAmount[to] += amount[from];
            toWeighted[to] += weighted[from];
        }
    }
}
