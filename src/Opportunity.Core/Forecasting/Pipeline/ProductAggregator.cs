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
/// The corrections are integer sums, so the result equals a pass over every row.
/// </para>
/// </summary>
internal static class ProductAggregator
{
    public static GroupBuffer[] Aggregate(PipelineSnapshot snapshot, PipelineGrouping grouping, int maxWorkers)
    {
        var productFirst = grouping.First == PipelineDimension.Product;
        var other = productFirst ? grouping.Second : grouping.First;
        var plain = GroupBuffer.Concat(PipelineAggregator.Aggregate(snapshot, other is { } o ? PipelineGrouping.By(o) : PipelineGrouping.Total, maxWorkers));
        var corrections = Corrections(snapshot, other, productFirst);
        var output = new GroupBuffer(plain.Length + corrections.Count, wide: true);
        var e = 0;
        for (var i = 0; i < plain.Length; i++)
        {
            // The other dimension's group, read as product (none) = code 0.
            var key = productFirst ? (0, plain.First(i), (int)plain.Currency(i)) : (plain.First(i), 0, (int)plain.Currency(i));
            for (; e < corrections.Count && corrections[e].Key.CompareTo(key) < 0; e++)
            {
                Emit(output, corrections[e].Key, corrections[e].Sums);
            }

            var sums = (Count: (long)plain.Count(i), Amount: plain.Amount(i), Weighted: plain.Weighted(i));
            if (e < corrections.Count && corrections[e].Key == key)
            {
                var d = corrections[e++].Sums;
                sums = (sums.Count + d.Count, sums.Amount + d.Amount, sums.Weighted + d.Weighted);
            }

            Emit(output, key, sums);
        }

        for (; e < corrections.Count; e++)
        {
            Emit(output, corrections[e].Key, corrections[e].Sums);
        }

        plain.Release();
        return [output];
    }

    /// <summary>A group whose deals all have lines has nothing left under (none): it is left out.</summary>
    private static void Emit(GroupBuffer output, (int First, int Second, int Currency) key, (long Count, Int128 Amount, Int128 Weighted) sums)
    {
        if (sums.Count != 0)
        {
            output.Add(key.First, key.Second, key.Currency, (int)sums.Count, sums.Amount, sums.Weighted);
        }
    }

    /// <summary>
    /// Per group (in code order, then currency): what the deals with lines change — minus each such deal under
    /// (none), plus each of its parts under its product. Summed in a dense table (the other dimension's codes ×
    /// products × currencies; partner by partner for the partner, whose parts come in partner order), or in a
    /// dictionary when that table would be too large.
    /// </summary>
    private static List<((int First, int Second, int Currency) Key, (long Count, Int128 Amount, Int128 Weighted) Sums)> Corrections(PipelineSnapshot snapshot, PipelineDimension? other, bool productFirst)
    {
        var parts = snapshot.Products;
        if (parts.Count == 0)
        {
            return [];
        }

        var products = snapshot.Dictionaries.Products.Length;
        var currencies = Math.Max(1, snapshot.Dictionaries.Currencies.Length);
        if (other == PipelineDimension.Partner)
        {
            return PartnerCorrections(snapshot, products, currencies, productFirst);
        }

        var info = PipelineAggregator.KeyInfo(snapshot, other);
        var otherCodes = PipelineAggregator.WithKey<int[], CodesConsumer>(snapshot, other, new CodesConsumer(parts.Row));
        var size = (long)info.Cardinality * products * currencies;
        if (size > MaxDenseSize)
        {
            return DictionaryCorrections(snapshot, otherCodes, info.Offset, productFirst);
        }

        var table = new DenseTable((int)size);
        var c = snapshot.Columns;
        for (var e = 0; e < parts.Count;)
        {
            var at = otherCodes[e] * products * currencies;
            e = table.AddRow(c, parts, e, at, currencies);
        }

        var result = new List<((int, int, int), (long, Int128, Int128))>();
        for (var outer = 0; outer < (productFirst ? products : info.Cardinality); outer++)
        {
            for (var inner = 0; inner < (productFirst ? info.Cardinality : products); inner++)
            {
                var (o, product) = productFirst ? (inner, outer) : (outer, inner);
                for (var currency = 0; currency < currencies; currency++)
                {
                    var k = (((o * products) + product) * currencies) + currency;
                    if (table.Touched(k))
                    {
                        result.Add((productFirst ? (product, o + info.Offset, currency) : (o + info.Offset, product, currency), table.Take(k)));
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Partner by partner (parts are sorted by row, rows by partner) into one products × currencies table.</summary>
    private static List<((int First, int Second, int Currency) Key, (long Count, Int128 Amount, Int128 Weighted) Sums)> PartnerCorrections(PipelineSnapshot snapshot, int products, int currencies, bool productFirst)
    {
        var parts = snapshot.Products;
        var c = snapshot.Columns;
        var start = c.PartnerStart;
        var table = new DenseTable(products * currencies);
        var byProduct = new List<((int, int, int), (long, Int128, Int128))>[productFirst ? products : 1];
        for (var k = 0; k < byProduct.Length; k++)
        {
            byProduct[k] = [];
        }

        var p = 0;
        for (var e = 0; e < parts.Count;)
        {
            while (start[p + 1] <= parts.Row[e])
            {
                p++;
            }

            for (; e < parts.Count && parts.Row[e] < start[p + 1];)
            {
                e = table.AddRow(c, parts, e, 0, currencies);
            }

            for (var k = 0; k < products * currencies; k++)
            {
                if (table.Touched(k))
                {
                    var (product, currency) = (k / currencies, k % currencies);
                    if (productFirst)
                    {
                        byProduct[product].Add(((product, p, currency), table.Take(k)));
                    }
                    else
                    {
                        byProduct[0].Add(((p, product, currency), table.Take(k)));
                    }
                }
            }
        }

        return byProduct.Length == 1 ? byProduct[0] : [.. byProduct.SelectMany(list => list)];
    }

    /// <summary>Other dimensions with very many values (thousands of regions × products): a dictionary, sorted at the end.</summary>
    private static List<((int First, int Second, int Currency) Key, (long Count, Int128 Amount, Int128 Weighted) Sums)> DictionaryCorrections(PipelineSnapshot snapshot, int[] otherCodes, int offset, bool productFirst)
    {
        var parts = snapshot.Products;
        var c = snapshot.Columns;
        var sums = new Dictionary<(int First, int Second, int Currency), (long Count, Int128 Amount, Int128 Weighted)>();
        for (var e = 0; e < parts.Count;)
        {
            var i = parts.Row[e];
            var otherCode = otherCodes[e] + offset;
            var currency = (int)c.Currency[i];
            var bp = c.BasisPoints[i];
            Add(0, -1, -c.Amount[i]);
            for (var first = e; e < parts.Count && parts.Row[e] == i; e++)
            {
                Add(parts.Product[e], CountsDeal(parts, first, e) ? 1 : 0, parts.Amount[e]);
            }

            void Add(int product, int count, long amount)
            {
                var key = productFirst ? (product, otherCode, currency) : (otherCode, product, currency);
                ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, key, out _);
                s = (s.Count + count, s.Amount + amount, s.Weighted + ((Int128)amount * bp));
            }
        }

        return [.. sums.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value))];
    }

    /// <summary>The same product twice in one deal (rows given by hand) counts the deal once.</summary>
    private static bool CountsDeal(ProductParts parts, int firstOfRow, int e) => e == firstOfRow || parts.Product[e - 1] != parts.Product[e];

    private const int MaxDenseSize = 1 << 18;

    /// <summary>Exact sums per (other code, product, currency) index, with the indexes touched.</summary>
    private sealed class DenseTable(int size)
    {
        private readonly long[] _count = new long[size];
        private readonly Int128[] _amount = new Int128[size];
        private readonly Int128[] _weighted = new Int128[size];
        private readonly bool[] _touched = new bool[size];

        /// <summary>Adds the row of part <paramref name="e"/> (out of (none), its parts in) at <paramref name="at"/> + product × currencies + currency; returns the next row's first part.</summary>
        public int AddRow(PipelineColumns c, ProductParts parts, int e, int at, int currencies)
        {
            var i = parts.Row[e];
            var currency = c.Currency[i];
            long bp = c.BasisPoints[i];
            Add(at + currency, -1, -c.Amount[i], bp);
            for (var first = e; e < parts.Count && parts.Row[e] == i; e++)
            {
                Add(at + (parts.Product[e] * currencies) + currency, CountsDeal(parts, first, e) ? 1 : 0, parts.Amount[e], bp);
            }

            return e;
        }

        public bool Touched(int k) => _touched[k];

        public (long Count, Int128 Amount, Int128 Weighted) Take(int k)
        {
            var sums = (_count[k], _amount[k], _weighted[k]);
            _count[k] = 0;
            _amount[k] = Int128.Zero;
            _weighted[k] = Int128.Zero;
            _touched[k] = false;
            return sums;
        }

        private void Add(int k, long count, long amount, long bp)
        {
            _count[k] += count;
            _amount[k] += amount;
            _weighted[k] += (Int128)amount * bp;
            _touched[k] = true;
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
