namespace Opportunity.Forecasting;

/// <summary>
/// The snapshot's product amounts (<see cref="Pipelines.ProductAmount"/>), stored apart from the
/// 19-byte rows because only deals with lines have them: one entry per (row, product), sorted by
/// row, with the product's code in <see cref="PipelineDictionaries.Products"/> and its amount in
/// minor units, beside its deal's probability in basis points (a copy of the row's, so that the sums by product read
/// the parts alone). A row without entries counts under product code 0, <c>(none)</c>.
/// </summary>
internal sealed record ProductParts(int[] Row, ushort[] Product, long[] Amount, ushort[] BasisPoints)
{
    public static ProductParts None { get; } = new([], [], [], []);

    public int Count => Row.Length;

    /// <summary>Bytes held (row 4, product 2, amount 8, basis points 2 per entry).</summary>
    public long Bytes => (long)Count * (sizeof(int) + sizeof(ushort) + sizeof(long) + sizeof(ushort));

    /// <summary>The entries of <paramref name="rows"/> (ascending row numbers of this snapshot), renumbered to their positions in it.</summary>
    public ProductParts Pick(int[] rows)
    {
        if (Count == 0)
        {
            return None;
        }

        var row = new List<int>();
        var product = new List<ushort>();
        var amount = new List<long>();
        var basisPoints = new List<ushort>();
        var e = 0;
        for (var j = 0; j < rows.Length && e < Count; j++)
        {
            while (e < Count && Row[e] < rows[j])
            {
                e++;
            }

            for (; e < Count && Row[e] == rows[j]; e++)
            {
                row.Add(j);
                product.Add(Product[e]);
                amount.Add(Amount[e]);
                basisPoints.Add(BasisPoints[e]);
            }
        }

        return row.Count == 0 ? None : new ProductParts([.. row], [.. product], [.. amount], [.. basisPoints]);
    }
}
