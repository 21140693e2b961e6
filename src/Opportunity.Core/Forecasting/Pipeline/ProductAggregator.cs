using System.Runtime.InteropServices;

namespace Opportunity.Forecasting;

/// <summary>
/// Groupings with <see cref="PipelineDimension.Product"/>: a deal contributes one part per product
/// of its lines (<see cref="ProductParts"/>) — the product's amount, and that amount × the deal's
/// basis points as its weighted value — or, without lines, its whole amount under <c>(none)</c>.
/// The parts of a deal add up to its amount, so every product grouping sums exactly to the
/// pipeline total. A plain pass over the rows into a dictionary (not the vectorised kernels of
/// <see cref="PipelineAggregator"/>, which assume one group per row); the other dimension's codes
/// come from the same row keys (<see cref="PipelineAggregator.WithKey"/>).
/// </summary>
internal static class ProductAggregator
{
    public static GroupBuffer[] Aggregate(PipelineSnapshot snapshot, PipelineGrouping grouping)
    {
        var productFirst = grouping.First == PipelineDimension.Product;
        var other = productFirst ? grouping.Second : grouping.First;
        var otherCodes = OtherCodes(snapshot, other);
        var c = snapshot.Columns;
        var parts = snapshot.Products;
        var sums = new Dictionary<(int First, int Second, int Currency), (int Count, Int128 Amount, Int128 Weighted)>();
        var e = 0;
        for (var i = 0; i < c.Count; i++)
        {
            var otherCode = otherCodes[i];
            var bp = c.BasisPoints[i];
            if (e >= parts.Count || parts.Row[e] != i)
            {
                Add(0, c.Amount[i], counts: true);
                continue;
            }

            for (; e < parts.Count && parts.Row[e] == i; e++)
            {
                // The same product twice in one deal (rows given by hand) counts the deal once.
                Add(parts.Product[e], parts.Amount[e], counts: e == 0 || parts.Row[e - 1] != i || parts.Product[e - 1] != parts.Product[e]);
            }

            void Add(int product, long amount, bool counts)
            {
                var key = productFirst ? (product, otherCode, (int)c.Currency[i]) : (otherCode, product, (int)c.Currency[i]);
                ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, key, out _);
                s = (s.Count + (counts ? 1 : 0), s.Amount + amount, s.Weighted + ((Int128)amount * bp));
            }
        }

        // Code order is display order (see PipelineDictionaries), then currency.
        var buffer = new GroupBuffer(sums.Count, wide: true);
        foreach (var (key, s) in sums.OrderBy(kv => kv.Key.First).ThenBy(kv => kv.Key.Second).ThenBy(kv => kv.Key.Currency))
        {
            buffer.Add(key.First, key.Second, key.Currency, s.Count, s.Amount, s.Weighted);
        }

        return [buffer];
    }

    /// <summary>The absolute code of each row in the other dimension (0 for none).</summary>
    private static int[] OtherCodes(PipelineSnapshot snapshot, PipelineDimension? dimension)
    {
        var c = snapshot.Columns;
        var codes = new int[c.Count];
        if (dimension == PipelineDimension.Partner)
        {
            for (var p = 0; p < c.PartnerStart.Length - 1; p++)
            {
                codes.AsSpan(c.PartnerStart[p]..c.PartnerStart[p + 1]).Fill(p);
            }

            return codes;
        }

        return PipelineAggregator.WithKey<int[], CodesConsumer>(snapshot, dimension, new CodesConsumer(codes));
    }

    private readonly struct CodesConsumer(int[] codes) : IRowKeyConsumer<int[]>
    {
        public int[] Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey
        {
            for (var i = 0; i < codes.Length; i++)
            {
                codes[i] = info.Offset + key.Code(i);
            }

            return codes;
        }
    }
}
