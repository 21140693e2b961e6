using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// A period's pipeline rolled up a <see cref="ForecastHierarchy"/>: every node's figures per
/// forecast category, with managers' <see cref="ForecastAdjustment"/>s replacing a node's figure and
/// rolling up to its ancestors in its place (never added on top). Sums stay exact per currency up the
/// tree (amounts in minor units, weighted values in minor units × basis points); a node's figures are
/// converted and rounded once when it is read, as in every report (docs/forecasting.md, "The one
/// rounding rule").
/// </summary>
public sealed class ForecastHierarchyRollup
{
    private static readonly int CategoryCount = Enum.GetValues<ForecastCategory>().Length;
    private readonly ForecastTree _tree;
    private readonly ForecastTree.View _view;
    private readonly CurrencyCode[] _currencies;
    private readonly int _reporting;
    private readonly IExchangeRateProvider? _rates;
    private readonly LocalDate _asOf;

    // Leaves (partners): exact 64-bit sums per (category, snapshot currency), one partner's rows at a
    // time, so they cannot overflow (see SafeRows); a partner with more rows sums into _wide.
    private readonly int _leafCurrencies;
    private readonly int[] _leafCount;
    private readonly long[] _leafAmount;
    private readonly long[] _leafWeighted;
    private readonly Dictionary<int, Int128[]> _wide;
    private readonly bool[] _leafPresent;

    // Inner nodes (root and levels): exact 128-bit sums per (category, currency incl. the reporting one).
    private readonly long[] _count;
    private readonly Int128[] _amount;
    private readonly Int128[] _weighted;
    private readonly Int128[] _forecast;
    private readonly bool[] _innerPresent;

    private readonly Dictionary<int, List<ForecastAdjustment>> _adjusted = [];
    private readonly int[] _partnerLeaves;
    private Presentation? _presentation;

    private ForecastHierarchyRollup(ForecastPeriod period, CurrencyCode currency, ForecastTree tree, ForecastTree.View view, CurrencyCode[] currencies, int leafCurrencies, (int[] Count, long[] Amount, long[] Weighted, Dictionary<int, Int128[]> Wide) leaves, int[] partnerLeaves, IExchangeRateProvider? rates, LocalDate asOf)
    {
        Period = period;
        Currency = currency;
        _tree = tree;
        _view = view;
        _currencies = currencies;
        _reporting = Array.IndexOf(currencies, currency);
        _leafCurrencies = leafCurrencies;
        var leafCells = view.LeafCount * CategoryCount * leafCurrencies;
        _leafCount = Sized(leaves.Count, leafCells);
        _leafAmount = Sized(leaves.Amount, leafCells);
        _leafWeighted = Sized(leaves.Weighted, leafCells);
        _wide = leaves.Wide;
        _partnerLeaves = partnerLeaves;
        _rates = rates;
        _asOf = asOf;
        var cells = view.InnerCount * CategoryCount * currencies.Length;
        _count = new long[cells];
        _amount = new Int128[cells];
        _weighted = new Int128[cells];
        _forecast = new Int128[cells];
        _innerPresent = new bool[view.InnerCount];
        _leafPresent = new bool[view.LeafCount];
    }

    /// <summary>The period.</summary>
    public ForecastPeriod Period { get; }

    /// <summary>The reporting currency.</summary>
    public CurrencyCode Currency { get; }

    /// <summary>The root's path.</summary>
    public string Root => _view.Inner[0].Path;

    /// <summary>How many nodes the tree has (root, levels and partner leaves).</summary>
    public int NodeCount => Presented.Order.Count;

    /// <summary>Every node's path, each parent before its children.</summary>
    public IEnumerable<string> Paths => Presented.Order.Select(PathOf);

    private Presentation Presented => LazyInitializer.EnsureInitialized(ref _presentation, Present);

    /// <summary>The figures of the node at <paramref name="path"/>.</summary>
    /// <exception cref="EntityNotFoundException">No such node in the tree for the period (<see cref="OpportunityErrorCodes.ForecastNodeNotFound"/>).</exception>
    public ForecastNodeRollup this[string path] => Node(IndexOf(path));

    /// <summary>Whether the tree has a node at <paramref name="path"/>.</summary>
    public bool Contains(string path) => TryIndexOf(path, out _);

    /// <summary>
    /// Rolls the deals of <paramref name="snapshot"/> closing in <paramref name="period"/> up
    /// <paramref name="hierarchy"/>: one pass over the period's rows adds each into its leaf's exact
    /// sums per category (the leaves looked up by partner and region code in the tree the hierarchy
    /// keeps, no path built after the first roll-up), then one pass up the nodes adds the sums to the
    /// parents, replacing adjusted figures.
    /// </summary>
    /// <param name="snapshot">The pipeline; build it with <see cref="PipelineSnapshotOptions.IncludeClosedWon"/> so won deals count as Closed.</param>
    /// <param name="hierarchy">The tree.</param>
    /// <param name="period">The period.</param>
    /// <param name="currency">The reporting currency (also the currency of every adjustment).</param>
    /// <param name="adjustments">Adjustments (a history: the latest per node and category is in effect); those of other periods are ignored.</param>
    /// <param name="rates">Exchange rates for foreign currencies.</param>
    /// <param name="asOf">Rate date; default the period's last day.</param>
    /// <exception cref="EntityNotFoundException">An adjustment names a node not in the tree (<see cref="OpportunityErrorCodes.ForecastNodeNotFound"/>).</exception>
    /// <exception cref="CurrencyMismatchException">An adjustment is not in <paramref name="currency"/>.</exception>
    public static ForecastHierarchyRollup Compute(
        PipelineSnapshot snapshot,
        ForecastHierarchy hierarchy,
        ForecastPeriod period,
        CurrencyCode currency,
        IEnumerable<ForecastAdjustment>? adjustments = null,
        IExchangeRateProvider? rates = null,
        LocalDate? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(hierarchy);
        var d = snapshot.Dictionaries;
        var currencies = d.Currencies.Contains(currency) ? [.. d.Currencies] : d.Currencies.Append(currency).ToArray();
        var tree = hierarchy.Tree;
        var regions = hierarchy.HasRegionLevel ? Math.Max(d.Regions.Length, 1) : 1;
        var partnerLeaves = tree.LeafMap(d, regions);
        var leaves = SumLeaves(snapshot, tree, period, hierarchy.HasRegionLevel, regions, partnerLeaves);
        var rollup = new ForecastHierarchyRollup(period, currency, tree, tree.Capture(), currencies, d.Currencies.Length, leaves, partnerLeaves, rates, asOf ?? period.LastDay);
        rollup.SumUp(adjustments);
        return rollup;
    }

    /// <summary>
    /// The node's figures against its quota. The target's <see cref="SalesTarget.Node"/> names the
    /// node; a target without one is the root's.
    /// </summary>
    /// <exception cref="ArgumentException">The target is for another period.</exception>
    /// <exception cref="CurrencyMismatchException">The target is not in the reporting currency.</exception>
    /// <exception cref="EntityNotFoundException">The target's node is not in the tree (<see cref="OpportunityErrorCodes.ForecastNodeNotFound"/>).</exception>
    public ForecastNodeAttainment Attainment(SalesTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Period != Period)
        {
            throw new ArgumentException($"The target is for {target.Period.Label}, the roll-up for {Period.Label}.", nameof(target));
        }

        if (target.Amount.Currency != Currency)
        {
            throw new CurrencyMismatchException(target.Amount.Currency, Currency);
        }

        var node = this[target.Node ?? Root];
        var remaining = target.Amount - node.Closed;
        if (remaining.IsNegative)
        {
            remaining = Money.Zero(Currency);
        }

        decimal? Ratio(Money value, Money of) => of.Amount == 0m ? null : value.Amount / of.Amount;
        return new ForecastNodeAttainment(node, target, Ratio(node.Closed, target.Amount), remaining, Ratio(node.OpenPipeline, remaining), Ratio(node.OpenWeighted, remaining));
    }

    // The one pass over the rows: partner by partner (rows are clustered by partner), each row of the
    // period into its leaf's cell. No per-call tree, strings or per-group objects (docs/performance.md).
    private static (int[] Count, long[] Amount, long[] Weighted, Dictionary<int, Int128[]> Wide) SumLeaves(PipelineSnapshot snapshot, ForecastTree tree, ForecastPeriod period, bool byRegion, int regions, int[] partnerLeaves)
    {
        var c = snapshot.Columns;
        var d = snapshot.Dictionaries;
        var firstMonth = period.FirstMonthIndex - (2000 * 12);
        var endMonth = period.EndMonthIndex - (2000 * 12);
        var currencies = d.Currencies.Length;
        var width = CategoryCount * currencies;
        var safe = SafeRows(snapshot.MaxAmount);
        var capacity = Math.Max(tree.Capture().LeafCount, 16) * width;
        var count = new int[capacity];
        var amount = new long[capacity];
        var weighted = new long[capacity];
        var wide = new Dictionary<int, Int128[]>();
        for (var p = 0; p < c.PartnerStart.Length - 1; p++)
        {
            var end = c.PartnerStart[p + 1];
            var narrow = end - c.PartnerStart[p] <= safe;
            for (var i = c.PartnerStart[p]; i < end; i++)
            {
                if (c.Month[i] < firstMonth || c.Month[i] >= endMonth)
                {
                    continue;
                }

                var region = byRegion ? c.Region[i] : 0;
                var slot = (p * regions) + region;
                var leaf = partnerLeaves[slot];
                if (leaf < 0)
                {
                    leaf = partnerLeaves[slot] = tree.Leaf(d.Partners[p], byRegion ? d.Regions[region] ?? PipelineDictionaries.NoneLabel : null);
                }

                // A leaf new to the tree, here or in a roll-up running beside this one.
                if ((leaf + 1) * width > count.Length)
                {
                    var grown = Math.Max(count.Length * 2, (leaf + 1) * width);
                    Array.Resize(ref count, grown);
                    Array.Resize(ref amount, grown);
                    Array.Resize(ref weighted, grown);
                }

                var within = (c.Category[i] * currencies) + c.Currency[i];
                var cell = (leaf * width) + within;
                var x = c.Amount[i];
                count[cell]++;
                if (narrow)
                {
                    amount[cell] += x;
                    weighted[cell] += x * c.BasisPoints[i];
                }
                else
                {
                    // More rows than 64-bit sums can hold for sure: this partner's sums in 128 bits.
                    if (!wide.TryGetValue(leaf, out var sums))
                    {
                        wide[leaf] = sums = new Int128[2 * width];
                    }

                    sums[within] += x;
                    sums[width + within] += (Int128)x * c.BasisPoints[i];
                }
            }
        }

        return (count, amount, weighted, wide);
    }

    /// <summary>The most rows whose 64-bit sums of amount × basis points cannot overflow.</summary>
    private static long SafeRows(long maxAmount) =>
        maxAmount == 0 ? long.MaxValue : long.MaxValue / (maxAmount * Probability.Scale);

    private static T[] Sized<T>(T[] cells, int length) => cells.Length >= length ? cells : [.. cells, .. new T[length - cells.Length]];

    // Marks the nodes with deals, then adds each present leaf to its parent and each present inner node,
    // deepest first (children are created after their parents), to its parent, replacing adjusted figures.
    private void SumUp(IEnumerable<ForecastAdjustment>? adjustments)
    {
        var width = CategoryCount * _currencies.Length;
        var leafWidth = CategoryCount * _leafCurrencies;
        for (var leaf = 0; leaf < _view.LeafCount; leaf++)
        {
            var first = leaf * leafWidth;
            for (var cell = first; cell < first + leafWidth; cell++)
            {
                if (_leafCount[cell] > 0)
                {
                    _leafPresent[leaf] = true;
                    _innerPresent[_view.Leaves[leaf].Parent] = true;
                    break;
                }
            }
        }

        for (var node = _view.InnerCount - 1; node > 0; node--)
        {
            if (_innerPresent[node])
            {
                _innerPresent[_view.Inner[node].Parent] = true;
            }
        }

        _innerPresent[0] = true;
        var adjusted = InEffect(adjustments);
        for (var leaf = 0; leaf < _view.LeafCount; leaf++)
        {
            if (!_leafPresent[leaf])
            {
                continue;
            }

            adjusted.TryGetValue(~leaf, out var leafAdjustments);
            var parent = _view.Leaves[leaf].Parent;
            for (var category = 0; category < CategoryCount; category++)
            {
                var adjustment = leafAdjustments?.Find(a => (int)a.Category == category);
                for (var code = 0; code < _leafCurrencies; code++)
                {
                    var from = (leaf * leafWidth) + (category * _leafCurrencies) + code;
                    if (_leafCount[from] == 0)
                    {
                        continue;
                    }

                    var to = Cell(parent, category, code);
                    var amount = LeafAmount(leaf, category, code);
                    _count[to] += _leafCount[from];
                    _amount[to] += amount;
                    _weighted[to] += LeafWeighted(leaf, category, code);
                    _forecast[to] += adjustment is null ? amount : Int128.Zero;
                }

                if (adjustment is not null)
                {
                    _forecast[Cell(parent, category, _reporting)] += adjustment.Amount!.Value.MinorUnits;
                }
            }
        }

        for (var node = _view.InnerCount - 1; node >= 0; node--)
        {
            if (!_innerPresent[node])
            {
                continue;
            }

            if (adjusted.TryGetValue(node, out var nodeAdjustments))
            {
                foreach (var adjustment in nodeAdjustments)
                {
                    var first = Cell(node, (int)adjustment.Category, 0);
                    Array.Clear(_forecast, first, _currencies.Length);
                    _forecast[first + _reporting] = adjustment.Amount!.Value.MinorUnits;
                }
            }

            var parent = _view.Inner[node].Parent;
            if (parent >= 0)
            {
                for (int from = node * width, to = parent * width, end = from + width; from < end; from++, to++)
                {
                    _count[to] += _count[from];
                    _amount[to] += _amount[from];
                    _weighted[to] += _weighted[from];
                    _forecast[to] += _forecast[from];
                }
            }
        }
    }

    private Int128 LeafAmount(int leaf, int category, int code)
    {
        var within = (category * _leafCurrencies) + code;
        var cell = (leaf * CategoryCount * _leafCurrencies) + within;
        return _wide.TryGetValue(leaf, out var sums) ? _leafAmount[cell] + sums[within] : _leafAmount[cell];
    }

    private Int128 LeafWeighted(int leaf, int category, int code)
    {
        var within = (category * _leafCurrencies) + code;
        var cell = (leaf * CategoryCount * _leafCurrencies) + within;
        return _wide.TryGetValue(leaf, out var sums) ? _leafWeighted[cell] + sums[(CategoryCount * _leafCurrencies) + within] : _leafWeighted[cell];
    }

    private int Cell(int node, int category, int currency) => (((node * CategoryCount) + category) * _currencies.Length) + currency;

    private string PathOf(int node) => node >= 0 ? _view.Inner[node].Path : _view.Leaves[~node].Path;

    private ForecastTree.Node DataOf(int node) => node >= 0 ? _view.Inner[node] : _view.Leaves[~node];

    private bool TryIndexOf(string path, out int node)
    {
        node = 0;
        return path is not null
            && _tree.TryFind(path, out node)
            && (node >= 0 ? node < _view.InnerCount && _innerPresent[node] : ~node < _view.LeafCount && _leafPresent[~node]);
    }

    private int IndexOf(string path) =>
        TryIndexOf(path, out var node)
            ? node
            : throw new EntityNotFoundException(OpportunityErrorCodes.ForecastNodeNotFound, "ForecastNode", path ?? string.Empty, $"Forecast node '{path}' is not in the tree of {Period.Label}: no partner of the directory or deal of the period is under it.");

    private Dictionary<int, List<ForecastAdjustment>> InEffect(IEnumerable<ForecastAdjustment>? adjustments)
    {
        var latest = new Dictionary<(int Node, ForecastCategory Category), ForecastAdjustment>();
        foreach (var adjustment in adjustments ?? [])
        {
            ArgumentNullException.ThrowIfNull(adjustment);
            if (adjustment.Period != Period)
            {
                continue;
            }

            if (adjustment.Amount is { } amount && amount.Currency != Currency)
            {
                throw new CurrencyMismatchException(amount.Currency, Currency);
            }

            var key = (IndexOf(adjustment.Node), adjustment.Category);
            if (!latest.TryGetValue(key, out var before) || adjustment.At >= before.At)
            {
                latest[key] = adjustment;
            }
        }

        foreach (var ((node, _), adjustment) in latest.OrderBy(kv => kv.Key.Category))
        {
            if (adjustment.Amount is not null)
            {
                if (!_adjusted.TryGetValue(node, out var list))
                {
                    _adjusted[node] = list = [];
                }

                list.Add(adjustment);
            }
        }

        return _adjusted;
    }

    // The present nodes in the order the tree meets them: partner by partner (then region code), each
    // leaf after its ancestors not met before; each node's children in the same order.
    private Presentation Present()
    {
        var order = new List<int> { 0 };
        var children = new Dictionary<int, List<int>>();
        var innerMet = new bool[_view.InnerCount];
        var leafMet = new bool[_view.LeafCount];
        innerMet[0] = true;
        var chain = new Stack<int>();
        void Meet(int node)
        {
            order.Add(node);
            var parent = DataOf(node).Parent;
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(node);
        }

        foreach (var leaf in _partnerLeaves)
        {
            if (leaf < 0 || leaf >= _view.LeafCount || !_leafPresent[leaf] || leafMet[leaf])
            {
                continue;
            }

            leafMet[leaf] = true;
            for (var node = _view.Leaves[leaf].Parent; !innerMet[node]; node = _view.Inner[node].Parent)
            {
                innerMet[node] = true;
                chain.Push(node);
            }

            while (chain.TryPop(out var node))
            {
                Meet(node);
            }

            Meet(~leaf);
        }

        return new Presentation(order, children);
    }

    private ForecastNodeRollup Node(int node)
    {
        var data = DataOf(node);
        var lines = new ForecastCategoryLine[CategoryCount];
        var forecast = new Dictionary<ForecastCategory, Money>();
        for (var category = 0; category < CategoryCount; category++)
        {
            long count = 0;
            for (var c = 0; c < _currencies.Length; c++)
            {
                count += (long)Figure(Sum.Count, node, category, c);
            }

            lines[category] = new ForecastCategoryLine((ForecastCategory)category, count, Convert(Sum.Amount, 0, node, category), Convert(Sum.Weighted, 4, node, category));
            forecast[(ForecastCategory)category] = Convert(Sum.Forecast, 0, node, category);
        }

        return new ForecastNodeRollup
        {
            Path = data.Path,
            Level = data.Level,
            Key = data.Key,
            Parent = data.Parent < 0 ? null : _view.Inner[data.Parent].Path,
            Children = node >= 0 && Presented.Children.TryGetValue(node, out var children) ? [.. children.Select(PathOf)] : [],
            Currency = Currency,
            Categories = lines,
            Forecast = forecast,
            Adjustments = _adjusted.TryGetValue(node, out var adjustments) ? [.. adjustments] : [],
            Closed = Convert(Sum.Forecast, 0, node, (int)ForecastCategory.Closed),
            CommitForecast = Convert(Sum.Forecast, 0, node, (int)ForecastCategory.Closed, (int)ForecastCategory.Commit),
            BestCaseForecast = Convert(Sum.Forecast, 0, node, (int)ForecastCategory.Closed, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase),
            OpenPipeline = Convert(Sum.Forecast, 0, node, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase, (int)ForecastCategory.Pipeline),
            OpenWeighted = Convert(Sum.Weighted, 4, node, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase, (int)ForecastCategory.Pipeline),
        };
    }

    // One exact sum of a node (inner or leaf) for one category and currency.
    private Int128 Figure(Sum sum, int node, int category, int currency)
    {
        if (node >= 0)
        {
            var cell = Cell(node, category, currency);
            return sum switch
            {
                Sum.Count => _count[cell],
                Sum.Amount => _amount[cell],
                Sum.Weighted => _weighted[cell],
                _ => _forecast[cell],
            };
        }

        var leaf = ~node;
        if (sum == Sum.Forecast && _adjusted.TryGetValue(node, out var adjustments) && adjustments.Find(a => (int)a.Category == category) is { } adjustment)
        {
            return currency == _reporting ? adjustment.Amount!.Value.MinorUnits : Int128.Zero;
        }

        if (currency >= _leafCurrencies)
        {
            return Int128.Zero;
        }

        return sum switch
        {
            Sum.Count => _leafCount[(leaf * CategoryCount * _leafCurrencies) + (category * _leafCurrencies) + currency],
            Sum.Weighted => LeafWeighted(leaf, category, currency),
            _ => LeafAmount(leaf, category, currency),
        };
    }

    // Adds the exact per-currency sums of the categories first, then converts and rounds once.
    private Money Convert(Sum sum, int extraDigits, int node, params int[] categories)
    {
        var perCurrency = new (CurrencyCode, Int128)[_currencies.Length];
        for (var c = 0; c < _currencies.Length; c++)
        {
            var total = Int128.Zero;
            foreach (var category in categories)
            {
                total += Figure(sum, node, category, c);
            }

            perCurrency[c] = (_currencies[c], total);
        }

        return ExactMath.ToMoney(CurrencyConversion.ToMinorUnits(perCurrency, extraDigits, Currency, _rates, _asOf), Currency);
    }

    private enum Sum
    {
        Count,
        Amount,
        Weighted,
        Forecast,
    }

    private sealed record Presentation(List<int> Order, Dictionary<int, List<int>> Children);
}
