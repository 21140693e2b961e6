using System.Buffers;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
    /// <summary>Rows below which a roll-up runs on one thread (as the groupings, <c>PipelineAggregator</c>).</summary>
    internal const int MinRowsPerWorker = 1 << 17;

    private static readonly int CategoryCount = Enum.GetValues<ForecastCategory>().Length;
    private readonly PipelineSnapshot _snapshot;
    private readonly ForecastTree _tree;
    private readonly ForecastTree.View _view;
    private readonly RowPass _pass;
    private readonly CurrencyCode[] _currencies;
    private readonly int _reporting;
    private readonly IExchangeRateProvider? _rates;
    private readonly LocalDate _asOf;

    // Inner nodes (root and levels): exact sums per (category, snapshot currency), first of the leaves
    // directly below each node, then (SumUp) of the whole subtree. Leaves keep no sums: a leaf's figures
    // are its partner's rows, summed again when it is read (LeafSums).
    private readonly int _width;
    private readonly InnerNodeSums _sums;
    private readonly BitArray _leafPresent;
    private readonly bool[] _innerPresent;

    // The forecast per (category, currency incl. the reporting one) of inner nodes: only when an
    // adjustment is in effect; without one a node's forecast is its amount.
    private Int128[]? _forecast;

    private readonly Dictionary<int, List<ForecastAdjustment>> _adjusted = [];
    private Presentation? _presentation;

    private ForecastHierarchyRollup(ForecastPeriod period, CurrencyCode currency, PipelineSnapshot snapshot, ForecastTree tree, RowPass pass, CurrencyCode[] currencies, Sums sums, IExchangeRateProvider? rates, LocalDate asOf)
    {
        Period = period;
        Currency = currency;
        _snapshot = snapshot;
        _tree = tree;
        _view = sums.View;
        _pass = pass;
        _currencies = currencies;
        _reporting = Array.IndexOf(currencies, currency);
        _width = pass.Width;
        _sums = sums.Inner;
        _leafPresent = sums.Leaves;
        _innerPresent = sums.InnerPresent;
        _rates = rates;
        _asOf = asOf;
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
    /// <paramref name="hierarchy"/>: one pass over the rows (on several threads over disjoint partner
    /// ranges for large snapshots, as the groupings) adds each row of the period into the exact sums of
    /// its leaf's parent (the leaves looked up by partner and region code in the tree the hierarchy
    /// keeps, no path built after the first roll-up), then one pass up the nodes adds the sums to the
    /// parents, replacing adjusted figures. A leaf's own figures are summed from its partner's rows when
    /// it is read.
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
        LocalDate? asOf = null) =>
        ComputeInParts(snapshot, hierarchy, period, currency, adjustments, rates, asOf, MinRowsPerWorker);

    /// <summary>
    /// <see cref="Compute(PipelineSnapshot, ForecastHierarchy, ForecastPeriod, CurrencyCode, IEnumerable{ForecastAdjustment}?, IExchangeRateProvider?, LocalDate?)"/>
    /// with the rows per thread chosen (tests split small snapshots), and the 64-bit worker sums allowed or not
    /// (tests compare both).
    /// </summary>
    internal static ForecastHierarchyRollup ComputeInParts(
        PipelineSnapshot snapshot,
        ForecastHierarchy hierarchy,
        ForecastPeriod period,
        CurrencyCode currency,
        IEnumerable<ForecastAdjustment>? adjustments,
        IExchangeRateProvider? rates,
        LocalDate? asOf,
        int minRowsPerWorker,
        bool allowNarrow = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(hierarchy);
        var d = snapshot.Dictionaries;
        var currencies = d.Currencies.Contains(currency) ? [.. d.Currencies] : d.Currencies.Append(currency).ToArray();
        var tree = hierarchy.Tree;
        var regions = hierarchy.HasRegionLevel ? Math.Max(d.Regions.Length, 1) : 1;
        var pass = new RowPass(snapshot, tree, tree.LeafMap(d, regions), hierarchy.HasRegionLevel, regions, period);
        var workers = Math.Clamp(snapshot.Count / Math.Max(1, minRowsPerWorker), 1, snapshot.Options.MaxDegreeOfParallelism);
        var rollup = new ForecastHierarchyRollup(period, currency, snapshot, tree, pass, currencies, pass.Run(workers, allowNarrow), rates, asOf ?? period.LastDay);
        rollup.SumUp(adjustments);

        return rollup;
    }

    /// <summary>
    /// The node's figures against its quota. The target's <see cref="SalesTarget.Node"/> names the
    /// node; the network target (no node, partner or region) is the root's.
    /// </summary>
    /// <exception cref="ArgumentException">The target is for another period, or is a partner's or region's target (those are compared with <see cref="ForecastVsTarget.Compute"/>).</exception>
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

        if (target.Partner is not null || target.Region is not null)
        {
            // Taking the root for them would answer with the network's figures.
            throw new ArgumentException($"The target is for {target.Scope}; compare partner and region targets with ForecastVsTarget.Compute. A roll-up's attainment takes a node's quota (SalesTarget.Node) or the network target.", nameof(target));
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

    // Marks the inner nodes above the leaves' parents present (those are marked by the merge), then adds each
    // present inner node, deepest first (children are created after their parents), to its parent, replacing
    // adjusted figures.
    private void SumUp(IEnumerable<ForecastAdjustment>? adjustments)
    {
        for (var node = _view.InnerCount - 1; node > 0; node--)
        {
            if (_innerPresent[node])
            {
                _innerPresent[_view.Inner[node].Parent] = true;
            }
        }

        _innerPresent[0] = true;
        var adjusted = InEffect(adjustments);
        var forecastWidth = CategoryCount * _currencies.Length;
        if (adjusted.Count > 0)
        {
            // The parents' forecasts start as their leaves' amounts; an adjusted leaf's amounts are
            // replaced by its adjustment.
            _forecast = new Int128[_view.InnerCount * forecastWidth];
            for (var node = 0; node < _view.InnerCount; node++)
            {
                for (var category = 0; category < CategoryCount; category++)
                {
                    Array.Copy(_sums.Amount[_sums.Chunk(node)], _sums.Offset(node) + (category * _pass.Currencies), _forecast, ForecastCell(node, category, 0), _pass.Currencies);
                }
            }

            foreach (var (node, list) in adjusted)
            {
                if (node >= 0)
                {
                    continue;
                }

                var leaf = LeafSums(~node);
                var parent = _view.Leaves[~node].Parent;
                foreach (var adjustment in list)
                {
                    var category = (int)adjustment.Category;
                    for (var code = 0; code < _pass.Currencies; code++)
                    {
                        _forecast[ForecastCell(parent, category, code)] -= leaf.Amount[(category * _pass.Currencies) + code];
                    }

                    _forecast[ForecastCell(parent, category, _reporting)] += adjustment.Amount!.Value.MinorUnits;
                }
            }
        }

        for (var node = _view.InnerCount - 1; node >= 0; node--)
        {
            if (!_innerPresent[node])
            {
                continue;
            }

            if (_forecast is not null && adjusted.TryGetValue(node, out var nodeAdjustments))
            {
                foreach (var adjustment in nodeAdjustments)
                {
                    var first = ForecastCell(node, (int)adjustment.Category, 0);
                    Array.Clear(_forecast, first, _currencies.Length);
                    _forecast[first + _reporting] = adjustment.Amount!.Value.MinorUnits;
                }
            }

            var parent = _view.Inner[node].Parent;
            if (parent < 0)
            {
                continue;
            }

            _sums.AddTo(node, parent);

            if (_forecast is not null)
            {
                for (int from = node * forecastWidth, to = parent * forecastWidth, end = from + forecastWidth; from < end; from++, to++)
                {
                    _forecast[to] += _forecast[from];
                }
            }
        }
    }

    private int ForecastCell(int node, int category, int currency) => (((node * CategoryCount) + category) * _currencies.Length) + currency;

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
    // leaf after its ancestors not met before; each node's children in the same order. Built on the
    // first read of the order or of a node's children, not for a node's figures alone.
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

        foreach (var leaf in _pass.Leaves)
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
        var sums = node >= 0 ? new NodeSums(_sums.Count[_sums.Chunk(node)], _sums.Amount[_sums.Chunk(node)], _sums.Weighted[_sums.Chunk(node)], _sums.Offset(node)) : LeafSums(~node);
        var lines = new ForecastCategoryLine[CategoryCount];
        var forecast = new Dictionary<ForecastCategory, Money>();
        for (var category = 0; category < CategoryCount; category++)
        {
            long count = 0;
            for (var c = 0; c < _pass.Currencies; c++)
            {
                count += sums.Count[sums.Offset + (category * _pass.Currencies) + c];
            }

            lines[category] = new ForecastCategoryLine((ForecastCategory)category, count, Convert(Sum.Amount, 0, node, sums, category), Convert(Sum.Weighted, 4, node, sums, category));
            forecast[(ForecastCategory)category] = Convert(Sum.Forecast, 0, node, sums, category);
        }

        return new ForecastNodeRollup
        {
            Path = data.Path,
            Level = data.Level,
            Key = data.Key,
            Parent = data.Parent < 0 ? null : _view.Inner[data.Parent].Path,
            Children = node >= 0 ? new ChildPaths(this, node) : [],
            Currency = Currency,
            Categories = lines,
            Forecast = forecast,
            Adjustments = _adjusted.TryGetValue(node, out var adjustments) ? [.. adjustments] : [],
            Closed = Convert(Sum.Forecast, 0, node, sums, (int)ForecastCategory.Closed),
            CommitForecast = Convert(Sum.Forecast, 0, node, sums, (int)ForecastCategory.Closed, (int)ForecastCategory.Commit),
            BestCaseForecast = Convert(Sum.Forecast, 0, node, sums, (int)ForecastCategory.Closed, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase),
            OpenPipeline = Convert(Sum.Forecast, 0, node, sums, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase, (int)ForecastCategory.Pipeline),
            OpenWeighted = Convert(Sum.Weighted, 4, node, sums, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase, (int)ForecastCategory.Pipeline),
        };
    }

    // A leaf's exact sums per (category, snapshot currency): its partner's rows of the period whose
    // (partner, region) slot is this leaf, summed in 128 bits (a partner's rows are few and contiguous).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private NodeSums LeafSums(int leaf)
    {
        var width = _width;
        var sums = new NodeSums(new long[width], new Int128[width], new Int128[width], 0);
        var partner = Array.BinarySearch(_snapshot.Dictionaries.Partners, new PartnerId(_view.Leaves[leaf].Key));
        if (partner < 0)
        {
            return sums;
        }

        var c = _snapshot.Columns;
        for (var i = c.PartnerStart[partner]; i < c.PartnerStart[partner + 1]; i++)
        {
            if (_pass.InPeriod(c.Month[i]) && _pass.Leaves[_pass.Slot(partner, c.Region[i])] == leaf)
            {
                var within = (c.Category[i] * _pass.Currencies) + c.Currency[i];
                sums.Count[within]++;
                sums.Amount[within] += c.Amount[i];
                sums.Weighted[within] += (Int128)c.Amount[i] * c.BasisPoints[i];
            }
        }

        return sums;
    }

    // One exact sum of a node (inner or leaf) for one category and currency.
    private Int128 Figure(Sum sum, int node, NodeSums sums, int category, int currency)
    {
        if (sum == Sum.Forecast)
        {
            if (node >= 0 && _forecast is not null)
            {
                return _forecast[ForecastCell(node, category, currency)];
            }

            if (node < 0 && _adjusted.TryGetValue(node, out var adjustments) && adjustments.Find(a => (int)a.Category == category) is { } adjustment)
            {
                return currency == _reporting ? adjustment.Amount!.Value.MinorUnits : Int128.Zero;
            }
        }

        if (currency >= _pass.Currencies)
        {
            return Int128.Zero;
        }

        var cell = sums.Offset + (category * _pass.Currencies) + currency;
        return sum == Sum.Weighted ? sums.Weighted[cell] : sums.Amount[cell];
    }

    // Adds the exact per-currency sums of the categories first, then converts and rounds once.
    private Money Convert(Sum sum, int extraDigits, int node, NodeSums sums, params int[] categories)
    {
        var perCurrency = new (CurrencyCode, Int128)[_currencies.Length];
        for (var c = 0; c < _currencies.Length; c++)
        {
            var total = Int128.Zero;
            foreach (var category in categories)
            {
                total += Figure(sum, node, sums, category, c);
            }

            perCurrency[c] = (_currencies[c], total);
        }

        return ExactMath.ToMoney(CurrencyConversion.ToMinorUnits(perCurrency, extraDigits, Currency, _rates, _asOf), Currency);
    }

    private enum Sum
    {
        Amount,
        Weighted,
        Forecast,
    }

    private sealed record Presentation(List<int> Order, Dictionary<int, List<int>> Children);

    /// <summary>One node's sums per (category, snapshot currency) from <see cref="Offset"/>.</summary>
    private readonly record struct NodeSums(long[] Count, Int128[] Amount, Int128[] Weighted, int Offset);

    /// <summary>
    /// The inner nodes' sums of the leaves directly below them, which leaves have rows, and which inner nodes have such
    /// leaves directly below them, as of <see cref="View"/>.
    /// </summary>
    private sealed record Sums(ForecastTree.View View, InnerNodeSums Inner, BitArray Leaves, bool[] InnerPresent);

    /// <summary>An inner node's children's paths, the node order built on first use (reading a node's figures does not build it).</summary>
    private sealed class ChildPaths(ForecastHierarchyRollup rollup, int node) : IReadOnlyList<string>
    {
        private IReadOnlyList<string>? _paths;

        public int Count => Paths.Count;

        private IReadOnlyList<string> Paths => LazyInitializer.EnsureInitialized(ref _paths, () =>
            rollup.Presented.Children.TryGetValue(node, out var children) ? [.. children.Select(rollup.PathOf)] : []);

        public string this[int index] => Paths[index];

        public IEnumerator<string> GetEnumerator() => Paths.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// The pass over the rows: each worker takes a contiguous range of partners (rows are clustered by
    /// partner) and sums runs of rows with the same (region, category, currency) — the period test
    /// branch-free, the sums in registers, at most <see cref="SafeRows"/> rows at a time so 64 bits cannot
    /// overflow — straight into its own exact sums of the partner's leaf's parent (64-bit when every sum of
    /// the snapshot fits, else 128-bit); the workers' sums are then added. The answer does not depend on the
    /// split.
    /// </summary>
    private sealed class RowPass
    {
        // How many partners ahead the parent's cells are asked for: a partner's rows are few (most partners
        // are small), so one ahead would arrive too late.
        private const int PrefetchAhead = 4;
        private readonly PipelineSnapshot _snapshot;
        private readonly ForecastTree _tree;
        private readonly bool _byRegion;
        private readonly int _regions;
        private readonly int _firstMonth;
        private readonly long _months;

        public RowPass(PipelineSnapshot snapshot, ForecastTree tree, int[] leaves, bool byRegion, int regions, ForecastPeriod period)
        {
            _snapshot = snapshot;
            _tree = tree;
            Leaves = leaves;
            _byRegion = byRegion;
            _regions = regions;
            _firstMonth = period.FirstMonthIndex - (2000 * 12);
            _months = period.EndMonthIndex - period.FirstMonthIndex;
            Currencies = snapshot.Dictionaries.Currencies.Length;
        }

        /// <summary>The snapshot's currencies.</summary>
        public int Currencies { get; }

        /// <summary>Cells per node: categories × snapshot currencies.</summary>
        public int Width => CategoryCount * Currencies;

        /// <summary>The leaf of each (partner code, region code) slot, −1 until met.</summary>
        public int[] Leaves { get; }

        public bool InPeriod(short month) => (uint)(month - _firstMonth) < _months;

        public int Slot(int partner, int region) => (partner * _regions) + (_byRegion ? region : 0);

        /// <summary>
        /// Sums the rows on <paramref name="workers"/> threads; the workers' sums per inner node are 64-bit when
        /// <paramref name="allowNarrow"/> and every sum of the snapshot's rows fits 64 bits, else 128-bit.
        /// </summary>
        public Sums Run(int workers, bool allowNarrow) =>
            allowNarrow && _snapshot.Count <= SafeRows(_snapshot.MaxAmount) ? Run<NarrowCell>(workers) : Run<WideCell>(workers);

        private Sums Run<TCell>(int workers)
            where TCell : struct, IPartialCell
        {
            var c = _snapshot.Columns;
            var partners = c.PartnerStart.Length - 1;
            var bounds = new int[workers + 1];
            bounds[workers] = partners;
            for (var w = 1; w < workers; w++)
            {
                var p = Array.BinarySearch(c.PartnerStart, (int)((long)_snapshot.Count * w / workers));
                bounds[w] = Math.Clamp(p >= 0 ? p : ~p, bounds[w - 1], partners);
            }

            var parts = new Partial<TCell>[workers];
            if (workers == 1)
            {
                parts[0] = Sum<TCell>(0, partners);
            }
            else
            {
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => parts[w] = Sum<TCell>(bounds[w], bounds[w + 1]));
            }

            // Captured after the pass: every node a worker met is in it.
            var view = _tree.Capture();
            var sums = new InnerNodeSums(view.InnerCount, Width);
            // A bit per leaf: a bool each would be a large object at 100,000 partners (see InnerNodeSums).
            var present = new BitArray(view.LeafCount);

            // A node has a leaf with rows of the period directly below it exactly when a row was counted in its cells
            // (counts are never negative): marked here, on the merge's threads, instead of reading every leaf after it.
            var innerPresent = new bool[view.InnerCount];

            // The workers' sums are added node range by node range on as many threads (the ranges share no cell),
            // each range in the workers' order.
            void Merge(int fromNode, int toNode)
            {
                foreach (var part in parts)
                {
                    // The worker's cells are (node, currency, category); the roll-up's (node, category, currency).
                    for (int node = fromNode, end = Math.Min(toNode, part.Nodes); node < end; node++)
                    {
                        var (count, amount, weighted) = (sums.Count[sums.Chunk(node)], sums.Amount[sums.Chunk(node)], sums.Weighted[sums.Chunk(node)]);
                        var first = sums.Offset(node);
                        long rows = 0;
                        for (var code = 0; code < Currencies; code++)
                        {
                            for (var category = 0; category < CategoryCount; category++)
                            {
                                ref var from = ref part.Cells[(node * Width) + (code * CategoryCount) + category];
                                var to = first + (category * Currencies) + code;
                                count[to] += from.Count;
                                amount[to] += from.Amount;
                                weighted[to] += from.Weighted;
                                rows |= from.Count;
                            }
                        }

                        innerPresent[node] |= rows != 0;
                    }
                }
            }

            if (workers == 1)
            {
                Merge(0, view.InnerCount);
            }
            else
            {
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => Merge((int)((long)view.InnerCount * w / workers), (int)((long)view.InnerCount * (w + 1) / workers)));
            }

            foreach (var part in parts)
            {
                // The worker's flags as bits in one vectorised step, cut to the leaves it marked (the pooled array holds
                // an earlier renter's past them) and then widened with zeros to the view's leaves.
                var marked = new BitArray(part.Leaves) { Length = part.LeafCount };
                marked.Length = view.LeafCount;
                present.Or(marked);
                part.Return();
            }

            return new Sums(view, sums, present, innerPresent);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private Partial<TCell> Sum<TCell>(int fromPartner, int toPartner)
            where TCell : struct, IPartialCell
        {
            var c = _snapshot.Columns;
            var rows = c.Count;
            if (c.BasisPoints.Length != rows || c.Month.Length != rows || c.Region.Length != rows || c.Category.Length != rows || c.Currency.Length != rows)
            {
                throw new InvalidOperationException("The snapshot's columns differ in length.");
            }

            // The columns are read without bounds checks: every index is below a partner's end, itself at most the row count checked above.
            var columns = new Columns(c, _firstMonth, _months);
            ref var region = ref MemoryMarshal.GetArrayDataReference(c.Region);
            ref var category = ref MemoryMarshal.GetArrayDataReference(c.Category);
            var safe = (int)Math.Min(SafeRows(_snapshot.MaxAmount), int.MaxValue);
            var part = new Partial<TCell>(this, _tree.Capture());
            var runs = c.RunStart;
            var partnerRuns = c.PartnerRunStart;

            // The rows whose category is not their run's first row's (listed once per snapshot), from this range's first.
            var overrides = _snapshot.CategoryOverrides;
            var e = fromPartner < toPartner ? Array.BinarySearch(overrides.Rows, c.PartnerStart[fromPartner]) : 0;
            e = e >= 0 ? e : ~e;
            var partnerRegions = _byRegion ? _snapshot.PartnerRegions : null;
            for (var p = fromPartner; p < toPartner; p++)
            {
                if (p + PrefetchAhead < toPartner)
                {
                    var ahead = p + PrefetchAhead;
                    if (partnerRuns[ahead] < partnerRuns[ahead + 1])
                    {
                        part.Prefetch(ahead, partnerRegions is null ? 0 : partnerRegions[ahead], overrides.CurrencyOfRun[partnerRuns[ahead]] * CategoryCount);
                    }
                }

                // Whether the region must be read: only by region, for a partner whose rows span several.
                var mixed = partnerRegions is not null && partnerRegions[p] < 0;

                // A partner without rows (known to the snapshot, no deal) is not mixed: no first row is read.
                var partnerRegion = partnerRegions is null ? 0 : mixed ? Unsafe.Add(ref region, runs[partnerRuns[p]]) : partnerRegions[p];

                // The first cell of the parent of the partner's leaf in that region: found on its first row of the period,
                // so a partner without one adds no leaf to the tree.
                var parent = -1;

                // Run by run of the clustered index (one currency each). A run of one region (nearly all: the region
                // is the partner's) is summed with vectors under its first row's category, and the overrides in it
                // are moved to theirs; any other run is summed row by row. Sums go straight to the parent's cells.
                for (var r = partnerRuns[p]; r < partnerRuns[p + 1]; r++)
                {
                    var runEnd = Math.Min(runs[r + 1], rows);
                    var byCurrency = overrides.CurrencyOfRun[r] * CategoryCount;
                    int first = overrides.FirstCategoryOfRun[r];
                    for (int i = runs[r], chunkEnd; i < runEnd; i = chunkEnd)
                    {
                        // At most the safe number of rows in the 64-bit lanes.
                        chunkEnd = (int)Math.Min(runEnd, (long)i + safe);
                        if ((!mixed || Unsafe.Add(ref region, i) == partnerRegion) && columns.TrySumOneRegion(i, chunkEnd, mixed, out var n, out var amount, out var weighted))
                        {
                            if (n == 0)
                            {
                                // No row of the period: nor is any override in the chunk.
                                while (e < overrides.Rows.Length && overrides.Rows[e] < chunkEnd)
                                {
                                    e++;
                                }

                                continue;
                            }

                            if (parent < 0)
                            {
                                parent = part.Parent(p, partnerRegion);
                            }

                            // The overrides are taken out of the run's sums here, which are then added once; one
                            // outside the period moves zeros (no branch on the date).
                            var cells = part.Cells;
                            for (; e < overrides.Rows.Length && overrides.Rows[e] < chunkEnd; e++)
                            {
                                columns.Row(overrides.Rows[e], out var inPeriod, out var x, out var w);
                                (n, amount, weighted) = (n - inPeriod, amount - x, weighted - w);
                                cells[parent + byCurrency + overrides.Category[e]].Add(inPeriod, x, w);
                            }

                            cells[parent + byCurrency + first].Add(n, amount, weighted);
                            continue;
                        }

                        // Row by row, each under its own category: the overrides here need no move.
                        while (e < overrides.Rows.Length && overrides.Rows[e] < chunkEnd)
                        {
                            e++;
                        }

                        for (var j = i; j < chunkEnd; j++)
                        {
                            if (mixed && Unsafe.Add(ref region, j) != partnerRegion)
                            {
                                partnerRegion = Unsafe.Add(ref region, j);
                                parent = -1;
                            }

                            columns.Row(j, out var inPeriod, out var x, out var w);
                            if (inPeriod != 0)
                            {
                                if (parent < 0)
                                {
                                    parent = part.Parent(p, partnerRegion);
                                }

                                part.Cells[parent + byCurrency + Unsafe.Add(ref category, j)].Add(1, x, w);
                            }
                        }
                    }
                }
            }

            return part;
        }

        /// <summary>The columns a roll-up reads, and the period as a month range.</summary>
        private readonly struct Columns(PipelineColumns c, int firstMonth, long months)
        {
            private readonly long[] _amount = c.Amount;
            private readonly ushort[] _basisPoints = c.BasisPoints;
            private readonly short[] _month = c.Month;
            private readonly ushort[] _region = c.Region;

            /// <summary>Row <paramref name="i"/>: 1 and its amounts when it closes in the period, else zeros (no branch on the date).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Row(int i, out long inPeriod, out long amount, out long weighted)
            {
                // −1 when the close month is in the period, else 0.
                var mask = ((long)(uint)(Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_month), i) - firstMonth) - months) >> 63;
                var x = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_amount), i);
                inPeriod = -mask;
                amount = x & mask;
                weighted = (x * Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_basisPoints), i)) & mask;
            }

            /// <summary>
            /// The period's rows of [<paramref name="from"/>, <paramref name="to"/>) summed with 256-bit vectors, eight
            /// rows at a time, the period test as a lane mask; false (and nothing summed) when, with
            /// <paramref name="checkRegion"/>, a row's region differs from the first row's. The last partial block is read whole with the lanes past <paramref name="to"/>
            /// masked, when the columns extend that far.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public bool TrySumOneRegion(int from, int to, bool checkRegion, out long count, out long amount, out long weighted)
            {
                count = amount = weighted = 0;
                if (!Vector256.IsHardwareAccelerated || months > int.MaxValue)
                {
                    return false;
                }

                ref var amount0 = ref MemoryMarshal.GetArrayDataReference(_amount);
                ref var basisPoints0 = ref MemoryMarshal.GetArrayDataReference(_basisPoints);
                ref var month0 = ref MemoryMarshal.GetArrayDataReference(_month);
                ref var region0 = ref MemoryMarshal.GetArrayDataReference(_region);
                var first = Vector256.Create(firstMonth);
                var span = Vector256.Create((uint)months);
                // The region column is read only when asked: a run's first row would otherwise miss the cache for nothing.
                var region = checkRegion ? Vector128.Create(Unsafe.Add(ref region0, from)) : default;
                var n = Vector256<int>.Zero;
                var va = Vector256<long>.Zero;
                var vw = Vector256<long>.Zero;
                var regionDiffers = Vector128<ushort>.Zero;
                var i = from;
                for (; i + 8 <= to; i += 8)
                {
                    var inPeriod = Vector256.LessThan((Vector256.WidenLower(Vector128.LoadUnsafe(ref month0, (nuint)i).ToVector256Unsafe()) - first).AsUInt32(), span).AsInt32();
                    Add(ref amount0, ref basisPoints0, i, inPeriod, ref n, ref va, ref vw);
                    if (checkRegion)
                    {
                        regionDiffers |= Vector128.LoadUnsafe(ref region0, (nuint)i) ^ region;
                    }
                }

                var rest = to - i;
                if (rest > 0)
                {
                    if (i + 8 > _amount.Length)
                    {
                        return false;
                    }

                    var lanes = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(rest));
                    var inPeriod = Vector256.LessThan((Vector256.WidenLower(Vector128.LoadUnsafe(ref month0, (nuint)i).ToVector256Unsafe()) - first).AsUInt32(), span).AsInt32() & lanes;
                    Add(ref amount0, ref basisPoints0, i, inPeriod, ref n, ref va, ref vw);
                    if (checkRegion)
                    {
                        // Only when asked: the region column is otherwise not read at all.
                        regionDiffers |= (Vector128.LoadUnsafe(ref region0, (nuint)i) ^ region) & Vector128.LessThan(Vector128<ushort>.Indices, Vector128.Create((ushort)rest));
                    }
                }

                if (checkRegion && regionDiffers != Vector128<ushort>.Zero)
                {
                    return false;
                }

                count = -Vector256.Sum(n);
                amount = Vector256.Sum(va);
                weighted = Vector256.Sum(vw);
                return true;
            }

            /// <summary>Adds eight rows from <paramref name="i"/> where <paramref name="inPeriod"/> (−1 per lane) says so.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Add(ref long amount0, ref ushort basisPoints0, int i, Vector256<int> inPeriod, ref Vector256<int> n, ref Vector256<long> va, ref Vector256<long> vw)
            {
                var m0 = Vector256.WidenLower(inPeriod);
                var m1 = Vector256.WidenUpper(inPeriod);
                var x0 = Vector256.LoadUnsafe(ref amount0, (nuint)i) & m0;
                var x1 = Vector256.LoadUnsafe(ref amount0, (nuint)i + 4) & m1;
                var (p0, p1) = Vector128.Widen(Vector128.LoadUnsafe(ref basisPoints0, (nuint)i));
                n += inPeriod;
                va += x0 + x1;
                vw += (x0 * Vector256.WidenLower(p0.ToVector256Unsafe()).AsInt64()) + (x1 * Vector256.WidenLower(p1.ToVector256Unsafe()).AsInt64());
            }
        }

        /// <summary>The most rows whose 64-bit sums of amount × basis points cannot overflow.</summary>
        private static long SafeRows(long maxAmount) =>
            maxAmount == 0 ? long.MaxValue : Math.Max(1, long.MaxValue / (maxAmount * Probability.Scale));

        /// <summary>
        /// One worker's sums per inner node and present leaves, in pooled arrays grown as the tree grows. Rows are added
        /// straight to the cells of their leaf's parent, whose first cell each partner finds once (<see cref="Parent"/>).
        /// </summary>
        private sealed class Partial<TCell>
            where TCell : struct, IPartialCell
        {
            private readonly RowPass _pass;
            private ForecastTree.View _view;
            private int _clearedCells;
            private int _clearedLeaves;

            public Partial(RowPass pass, ForecastTree.View view)
            {
                _pass = pass;
                _view = view;
                Cells = ArrayPool<TCell>.Shared.Rent(Math.Max(view.InnerCount * pass.Width, 16));
                Leaves = ArrayPool<bool>.Shared.Rent(Math.Max(view.LeafCount, 16));
                _clearedCells = Clear(Cells, 0, view.InnerCount * pass.Width);
                _clearedLeaves = Clear(Leaves, 0, view.LeafCount);
            }

            /// <summary>Exact sums per (inner node, currency, category): a partner's categories of one currency share a few cache lines.</summary>
            public TCell[] Cells { get; private set; }

            public bool[] Leaves { get; private set; }

            /// <summary>Inner nodes written so far (their cells are within <see cref="Cells"/>).</summary>
            public int Nodes { get; private set; }

            /// <summary>Leaves marked so far.</summary>
            public int LeafCount { get; private set; }

            /// <summary>Asks for the cache lines of the partner's parent's cells of one currency (from <paramref name="first"/>) when its leaf is known.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Prefetch(int partner, int region, int first)
            {
                var leaf = region < 0 ? -1 : _pass.Leaves[_pass.Slot(partner, region)];
                if ((uint)leaf < (uint)_view.LeafCount)
                {
                    var cell = (_view.LeafParents[leaf] * _pass.Width) + first;
                    if (cell + CategoryCount <= Cells.Length)
                    {
                        Prefetch(ref Cells[cell]);
                        Prefetch(ref Cells[cell + CategoryCount - 1]);
                    }
                }
            }

            public void Return()
            {
                ArrayPool<TCell>.Shared.Return(Cells);
                ArrayPool<bool>.Shared.Return(Leaves);
            }

            /// <summary>
            /// The first cell of the parent of the partner's leaf in the region, asked for on the partner's first row of
            /// the period there (so a partner without one adds no leaf to the tree): the leaf marked present.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int Parent(int partner, int region)
            {
                var leaf = _pass.Leaves[_pass.Slot(partner, region)];
                if ((uint)leaf < (uint)Math.Min(_view.LeafCount, _clearedLeaves))
                {
                    var parent = _view.LeafParents[leaf];
                    if ((parent + 1) * _pass.Width <= _clearedCells)
                    {
                        Leaves[leaf] = true;
                        Nodes = Math.Max(Nodes, parent + 1);
                        LeafCount = Math.Max(LeafCount, leaf + 1);
                        return parent * _pass.Width;
                    }
                }

                return NewParent(partner, region);
            }

            // Parent for a leaf new to the tree or to this worker's view, or whose cells are not yet cleared.
            [MethodImpl(MethodImplOptions.NoInlining)]
            private int NewParent(int partner, int region)
            {
                var width = _pass.Width;
                var slot = _pass.Slot(partner, region);
                var leaf = _pass.Leaves[slot];
                if (leaf < 0)
                {
                    var d = _pass._snapshot.Dictionaries;
                    leaf = _pass.Leaves[slot] = _pass._tree.Leaf(d.Partners[partner], _pass._byRegion ? d.Regions[region] ?? PipelineDictionaries.NoneLabel : null);
                }

                if (leaf >= _view.LeafCount)
                {
                    // A leaf new to the tree, here or in a roll-up running beside this one.
                    _view = _pass._tree.Capture();
                }

                var parent = _view.LeafParents[leaf];
                if ((parent + 1) * width > _clearedCells)
                {
                    Cells = Ensure(Cells, ref _clearedCells, (parent + 1) * width);
                }

                if (leaf >= _clearedLeaves)
                {
                    Leaves = Ensure(Leaves, ref _clearedLeaves, leaf + 1);
                }

                Leaves[leaf] = true;
                Nodes = Math.Max(Nodes, parent + 1);
                LeafCount = Math.Max(LeafCount, leaf + 1);
                return parent * width;
            }

            // The parents' cells are scattered (a partner's parent is unrelated to its neighbours') and miss the
            // cache; asked for a few partners ahead, they are in it by the time the partner's rows are added. A
            // prefetch never faults, so an address the GC has just moved is harmless.
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static unsafe void Prefetch(ref TCell cell)
            {
                if (Sse.IsSupported)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref cell));
                }
            }

            // Pooled arrays are cleared only as far as they are used: up to the tree's size when the pass
            // starts, further (and grown, to twice the size) as it meets new nodes.
            private static int Clear<T>(T[] array, int from, int to)
            {
                Array.Clear(array, from, to - from);
                return to;
            }

            private static T[] Ensure<T>(T[] array, ref int cleared, int needed)
            {
                var target = Math.Max(needed, Math.Min(array.Length, cleared * 2));
                if (target > array.Length)
                {
                    var grown = ArrayPool<T>.Shared.Rent(Math.Max(target, array.Length * 2));
                    Array.Copy(array, grown, cleared);
                    ArrayPool<T>.Shared.Return(array);
                    array = grown;
                }

                cleared = Clear(array, cleared, target);
                return array;
            }
        }

        /// <summary>A worker's exact sum of rows for one cell: count, amount and amount × basis points.</summary>
        private interface IPartialCell
        {
            long Count { get; }

            Int128 Amount { get; }

            Int128 Weighted { get; }

            void Add(long count, long amount, long weighted);
        }

        /// <summary>A cell in 128 bits: for snapshots whose sums may not fit 64 bits.</summary>
        private struct WideCell : IPartialCell
        {
            private Int128 _amount;
            private Int128 _weighted;

            public long Count { get; private set; }

            public readonly Int128 Amount => _amount;

            public readonly Int128 Weighted => _weighted;

            public void Add(long count, long amount, long weighted)
            {
                Count += count;
                _amount += amount;
                _weighted += weighted;
            }
        }

        /// <summary>
        /// A cell in 64 bits (24 bytes against 40, so a parent's cells take fewer cache lines): only when the sums of
        /// all the snapshot's rows fit 64 bits, so that no subset's can overflow.
        /// </summary>
        private struct NarrowCell : IPartialCell
        {
            private long _amount;
            private long _weighted;

            public long Count { get; private set; }

            public readonly Int128 Amount => _amount;

            public readonly Int128 Weighted => _weighted;

            public void Add(long count, long amount, long weighted)
            {
                Count += count;
                _amount += amount;
                _weighted += weighted;
            }
        }
    }
}
