using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Opportunity.Forecasting;

/// <summary>
/// Groupings with <see cref="PipelineDimension.Product"/>: a deal contributes one part per product
/// of its lines (<see cref="ProductParts"/>) — the product's amount, and that amount × the deal's
/// basis points as its weighted value — or, without lines, its whole amount under <c>(none)</c>.
/// The parts of a deal add up to its amount, so every product grouping sums exactly to the
/// pipeline total.
/// <para>
/// Most deals have no lines, so the grouping is the other dimension's (or the total) from the
/// vectorised kernels of <see cref="PipelineAggregator"/>, read as the <c>(none)</c> product, and
/// then corrected exactly by the deals with lines alone: each such deal is taken out of its
/// <c>(none)</c> group (count, amount, weighted) and its parts are added under their products.
/// The corrections are integer sums (<see cref="LineSums"/>: 64-bit, folded into 128 bits within the
/// safe-rows bound), so the result equals a pass over every row; they come in the grouping's order
/// and are merged straight into the output (<see cref="ProductMerger"/>). Partner × product and product alone, with at
/// most eight products (and AVX-512), sum each partner's parts in registers instead (<see cref="PartnerProductSums"/>).
/// </para>
/// </summary>
internal static class ProductAggregator
{
    public static GroupBuffer[] Aggregate(PipelineSnapshot snapshot, PipelineGrouping grouping, int maxWorkers)
    {
        var productFirst = grouping.First == PipelineDimension.Product;
        var other = productFirst ? grouping.Second : grouping.First;
        var safe = (int)PipelineAggregator.SafeRows(snapshot.MaxAmount);
        var packing = new PackedCount(snapshot.MaxAmount, safe);
        var parts = snapshot.Products;
        if (parts.Count > 0 && (other is null || (other == PipelineDimension.Partner && !productFirst))
            && PartnerProductSums.Fits(snapshot, packing, narrow: snapshot.Count <= safe))
        {
            // Few products: each partner's parts summed in registers (with its rows, by partner; beside the total, alone).
            return other is null
                ? [PartnerProductSums.ProductAlone(snapshot, packing, PipelineAggregator.Aggregate(snapshot, PipelineGrouping.Total, maxWorkers))]
                : PartnerProductSums.ByPartner(snapshot, packing, maxWorkers);
        }

        var plain = PipelineAggregator.Aggregate(snapshot, other is { } o ? PipelineGrouping.By(o) : PipelineGrouping.Total, maxWorkers);
        var products = snapshot.Dictionaries.Products.Length;
        var merger = new ProductMerger(plain, productFirst, wide: snapshot.Count > safe, parts.Count, products);
        var currencies = Math.Max(1, snapshot.Dictionaries.Currencies.Length);
        if (parts.Count == 0)
        {
            return merger.Finish();
        }

        if (other == PipelineDimension.Partner)
        {
            PartnerCorrections(snapshot, merger, products, currencies, packing, productFirst);
            return merger.Finish();
        }

        var info = PipelineAggregator.KeyInfo(snapshot, other);
        if ((long)info.Cardinality * products * currencies > MaxDenseSize)
        {
            merger.Replay(DictionaryCorrections(snapshot, other, productFirst));
            return merger.Finish();
        }

        // Keys laid out in the grouping's order, so the drained changes come in the order of the output.
        var (otherStride, productStride) = productFirst ? (currencies, info.Cardinality * currencies) : (products * currencies, currencies);
        var sums = new LineSums(info.Cardinality * products * currencies, products, packing, otherStride, productStride);
        PipelineAggregator.WithKey<bool, AddConsumer>(snapshot, other, new AddConsumer(sums, snapshot));
        var emit = new ToMerger(merger, otherStride, info.Offset, productFirst);
        sums.Drain(ref emit);
        return merger.Finish();
    }

    /// <summary>
    /// Partner by partner (parts are sorted by row, rows by partner) into one products × currencies table, drained
    /// at each partner's end straight into the output; product first, they are gathered and sorted by product first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PartnerCorrections(PipelineSnapshot snapshot, ProductMerger merger, int products, int currencies, PackedCount packing, bool productFirst)
    {
        var parts = snapshot.Products;
        var c = snapshot.Columns;
        var start = c.PartnerStart;
        var sums = new LineSums(products * currencies, products, packing, 0, currencies);
        var gathered = productFirst ? new GroupBuffer(0, wide: true) : null;
        var p = 0;
        for (var e = 0; e < parts.Count;)
        {
            var row = parts.Row[e];
            if (start[p + 1] <= row)
            {
                // The next partner with lines (few partners are skipped: a search only when they are many).
                p = start[p + 2] > row ? p + 1 : UpperBound(start, row) - 1;
            }

            var end = sums.AddDeals(c, parts, e, start[p + 1], default(NoKey));
            if (gathered is null)
            {
                var emit = new PartnerToMerger(merger, p);
                sums.Drain(ref emit);
            }
            else
            {
                var emit = new ToBuffer(gathered, p);
                sums.Drain(ref emit);
            }

            e = end;
        }

        if (gathered is not null)
        {
            merger.Replay(gathered.StableSortByFirst(0, products));
        }
    }

    /// <summary>The first index whose start is above <paramref name="row"/>.</summary>
    internal static int UpperBound(int[] start, int row)
    {
        var i = Array.BinarySearch(start, row + 1);
        i = i >= 0 ? i : ~i;

        // Equal starts (partners without rows): the first of them.
        while (i > 0 && start[i - 1] == row + 1)
        {
            i--;
        }

        return i;
    }

    /// <summary>Other dimensions with very many values (thousands of regions × products): a dictionary, sorted at the end.</summary>
    private static GroupBuffer DictionaryCorrections(PipelineSnapshot snapshot, PipelineDimension? other, bool productFirst)
    {
        var parts = snapshot.Products;
        var c = snapshot.Columns;
        var info = PipelineAggregator.KeyInfo(snapshot, other);
        var otherCodes = PipelineAggregator.WithKey<int[], CodesConsumer>(snapshot, other, new CodesConsumer(parts.Row));
        var sums = new Dictionary<(int First, int Second, int Currency), (long Count, Int128 Amount, Int128 Weighted)>();
        for (var e = 0; e < parts.Count;)
        {
            var i = parts.Row[e];
            var otherCode = otherCodes[e] + info.Offset;
            var currency = (int)c.Currency[i];
            var bp = c.BasisPoints[i];
            Add(0, -1, -c.Amount[i]);
            for (var first = e; e < parts.Count && parts.Row[e] == i; e++)
            {
                Add(parts.Product[e], e == first || parts.Product[e - 1] != parts.Product[e] ? 1 : 0, parts.Amount[e]);
            }

            void Add(int product, int count, long amount)
            {
                var key = productFirst ? (product, otherCode, currency) : (otherCode, product, currency);
                ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, key, out _);
                s = (s.Count + count, s.Amount + amount, s.Weighted + ((Int128)amount * bp));
            }
        }

        var result = new GroupBuffer(sums.Count, wide: true);
        foreach (var (key, s) in sums.OrderBy(kv => kv.Key))
        {
            result.Add(key.First, key.Second, key.Currency, (int)s.Count, s.Amount, s.Weighted);
        }

        return result;
    }

    private const int MaxDenseSize = 1 << 18;

    /// <summary>Decodes a drained change's (none) key (other code × <c>otherStride</c> + currency) and hands it to the merger.</summary>
    private readonly struct ToMerger(ProductMerger merger, int otherStride, int otherOffset, bool productFirst) : LineSums.IEmit
    {
        public void Emit(int noneKey, int product, long count, Int128 amount, Int128 weighted)
        {
            var (other, currency) = Math.DivRem(noneKey, otherStride);
            var (first, second) = productFirst ? (product, other + otherOffset) : (other + otherOffset, product);
            merger.Correct(first, second, currency, count, amount, weighted);
        }
    }

    /// <summary>Hands a partner's drained change (its (none) key is the currency) to the merger.</summary>
    private readonly struct PartnerToMerger(ProductMerger merger, int partner) : LineSums.IEmit
    {
        public void Emit(int noneKey, int product, long count, Int128 amount, Int128 weighted) =>
            merger.Correct(partner, product, noneKey, count, amount, weighted);
    }

    /// <summary>Gathers a partner's drained changes as (product, partner, currency), to be sorted by product.</summary>
    private readonly struct ToBuffer(GroupBuffer buffer, int partner) : LineSums.IEmit
    {
        public void Emit(int noneKey, int product, long count, Int128 amount, Int128 weighted) =>
            buffer.Add(product, partner, noneKey, (int)count, amount, weighted);
    }

    /// <summary>Adds every deal with lines under the other dimension's code of its row.</summary>
    private readonly struct AddConsumer(LineSums sums, PipelineSnapshot snapshot) : IRowKeyConsumer<bool>
    {
        public bool Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey
        {
            sums.AddDeals(snapshot.Columns, snapshot.Products, 0, int.MaxValue, key);
            return true;
        }
    }

    /// <summary>The dense code (without the dimension's offset) in the other dimension of each part's row.</summary>
    private readonly struct CodesConsumer(int[] rows) : IRowKeyConsumer<int[]>
    {
        public int[] Consume<TKey>(TKey key, RowKeyInfo info)
            where TKey : struct, IRowKey
        {
            var codes = new int[rows.Length];
            for (var e = 0; e < rows.Length; e++)
            {
                codes[e] = key.Code(rows[e]);
            }

            return codes;
        }
    }
}
