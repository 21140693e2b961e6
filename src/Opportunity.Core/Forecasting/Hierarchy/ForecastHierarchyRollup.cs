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
    private readonly List<NodeData> _nodes;
    private readonly Dictionary<string, int> _index;
    private readonly CurrencyCode[] _currencies;
    private readonly long[] _count;
    private readonly Int128[] _amount;
    private readonly Int128[] _weighted;
    private readonly Int128[] _forecast;
    private readonly IExchangeRateProvider? _rates;
    private readonly LocalDate _asOf;

    private ForecastHierarchyRollup(ForecastPeriod period, CurrencyCode currency, List<NodeData> nodes, Dictionary<string, int> index, CurrencyCode[] currencies, IExchangeRateProvider? rates, LocalDate asOf)
    {
        Period = period;
        Currency = currency;
        _nodes = nodes;
        _index = index;
        _currencies = currencies;
        _rates = rates;
        _asOf = asOf;
        var cells = nodes.Count * CategoryCount * currencies.Length;
        _count = new long[cells];
        _amount = new Int128[cells];
        _weighted = new Int128[cells];
        _forecast = new Int128[cells];
    }

    /// <summary>The period.</summary>
    public ForecastPeriod Period { get; }

    /// <summary>The reporting currency.</summary>
    public CurrencyCode Currency { get; }

    /// <summary>The root's path.</summary>
    public string Root => _nodes[0].Path;

    /// <summary>How many nodes the tree has (root, levels and partner leaves).</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Every node's path, each parent before its children.</summary>
    public IEnumerable<string> Paths => _nodes.Select(n => n.Path);

    /// <summary>The figures of the node at <paramref name="path"/>.</summary>
    /// <exception cref="EntityNotFoundException">No such node in the tree for the period (<see cref="OpportunityErrorCodes.ForecastNodeNotFound"/>).</exception>
    public ForecastNodeRollup this[string path] => Node(IndexOf(path));

    /// <summary>Whether the tree has a node at <paramref name="path"/>.</summary>
    public bool Contains(string path) => _index.ContainsKey(path);

    /// <summary>
    /// Rolls the deals of <paramref name="snapshot"/> closing in <paramref name="period"/> up
    /// <paramref name="hierarchy"/>: groups them once by partner × category (× region when a level
    /// is the region), then adds the exact sums up the tree, replacing adjusted figures.
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
        var inPeriod = snapshot.Filter(new PipelineFilter { Period = period });
        var currencies = inPeriod.Currencies.Contains(currency) ? [.. inPeriod.Currencies] : inPeriod.Currencies.Append(currency).ToArray();
        var currencyIndex = currencies.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);

        // The tree: nodes in creation order, so every parent precedes its children.
        var nodes = new List<NodeData> { new(hierarchy.Root, hierarchy.Root, hierarchy.Root, -1) };
        var index = new Dictionary<string, int>(StringComparer.Ordinal) { [hierarchy.Root] = 0 };
        var leaves = new Dictionary<(string Partner, string? Region), int>();
        var groups = new List<(int Leaf, int Category, PipelineGroupTotal Total)>();

        int LeafOf(string partner, string? region)
        {
            if (leaves.TryGetValue((partner, region), out var leaf))
            {
                return leaf;
            }

            var path = hierarchy.PathOf(new PartnerId(partner), region);
            var parent = 0;
            for (var depth = 1; depth < path.Count; depth++)
            {
                if (!index.TryGetValue(path[depth], out var node))
                {
                    node = nodes.Count;
                    var level = depth == path.Count - 1 ? ForecastNodePath.PartnerLevel : LevelName(path[depth]);
                    var key = depth == path.Count - 1 ? partner : KeyOf(path[depth], path[depth - 1].Length);
                    nodes.Add(new NodeData(path[depth], level, key, parent));
                    nodes[parent].Children.Add(node);
                    index[path[depth]] = node;
                }

                parent = node;
            }

            leaves[(partner, region)] = parent;
            return parent;
        }

        if (hierarchy.HasRegionLevel)
        {
            foreach (var category in Enum.GetValues<ForecastCategory>())
            {
                using var totals = inPeriod.Filter(new PipelineFilter { Categories = [category] }).Group(PipelineDimension.Partner, PipelineDimension.Region);
                foreach (var total in totals.Groups)
                {
                    groups.Add((LeafOf(total.First!, total.Second), (int)category, total));
                }
            }
        }
        else
        {
            using var totals = inPeriod.Group(PipelineDimension.Partner, PipelineDimension.ForecastCategory);
            foreach (var total in totals.Groups)
            {
                groups.Add((LeafOf(total.First!, null), (int)Enum.Parse<ForecastCategory>(total.Second!), total));
            }
        }

        var rollup = new ForecastHierarchyRollup(period, currency, nodes, index, currencies, rates, asOf ?? period.LastDay);
        foreach (var (leaf, category, total) in groups)
        {
            var cell = rollup.Cell(leaf, category, currencyIndex[total.Currency]);
            rollup._count[cell] += total.Count;
            rollup._amount[cell] += total.AmountMinorUnits;
            rollup._weighted[cell] += total.Weighted.Scaled;
        }

        Array.Copy(rollup._amount, rollup._forecast, rollup._amount.Length);
        var inEffect = rollup.InEffect(adjustments);
        var width = CategoryCount * currencies.Length;
        var reporting = currencyIndex[currency];
        for (var node = nodes.Count - 1; node >= 0; node--)
        {
            if (inEffect.TryGetValue(node, out var adjusted))
            {
                foreach (var adjustment in adjusted)
                {
                    var first = rollup.Cell(node, (int)adjustment.Category, 0);
                    Array.Clear(rollup._forecast, first, currencies.Length);
                    rollup._forecast[first + reporting] = adjustment.Amount!.Value.MinorUnits;
                }

                nodes[node].Adjustments.AddRange(adjusted);
            }

            var parent = nodes[node].Parent;
            if (parent >= 0)
            {
                for (int from = node * width, to = parent * width, end = from + width; from < end; from++, to++)
                {
                    rollup._count[to] += rollup._count[from];
                    rollup._amount[to] += rollup._amount[from];
                    rollup._weighted[to] += rollup._weighted[from];
                    rollup._forecast[to] += rollup._forecast[from];
                }
            }
        }

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

    private static string LevelName(string path)
    {
        var segment = path[(path.LastIndexOf(ForecastNodePath.Separator) + 1)..];
        return segment[..segment.IndexOf(ForecastNodePath.LevelSeparator, StringComparison.Ordinal)];
    }

    private static string KeyOf(string path, int parentLength)
    {
        var segment = path[(parentLength + 1)..];
        return Uri.UnescapeDataString(segment[(segment.IndexOf(ForecastNodePath.LevelSeparator, StringComparison.Ordinal) + 1)..]);
    }

    private int Cell(int node, int category, int currency) => (((node * CategoryCount) + category) * _currencies.Length) + currency;

    private int IndexOf(string path) =>
        path is not null && _index.TryGetValue(path, out var node)
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

        return latest.Values
            .Where(a => a.Amount is not null)
            .GroupBy(a => _index[a.Node])
            .ToDictionary(g => g.Key, g => g.OrderBy(a => a.Category).ToList());
    }

    private ForecastNodeRollup Node(int node)
    {
        var data = _nodes[node];
        var lines = new ForecastCategoryLine[CategoryCount];
        var forecast = new Dictionary<ForecastCategory, Money>();
        for (var category = 0; category < CategoryCount; category++)
        {
            var first = Cell(node, category, 0);
            long count = 0;
            for (var c = 0; c < _currencies.Length; c++)
            {
                count += _count[first + c];
            }

            lines[category] = new ForecastCategoryLine((ForecastCategory)category, count, Convert(_amount, 0, node, category), Convert(_weighted, 4, node, category));
            forecast[(ForecastCategory)category] = Convert(_forecast, 0, node, category);
        }

        return new ForecastNodeRollup
        {
            Path = data.Path,
            Level = data.Level,
            Key = data.Key,
            Parent = data.Parent < 0 ? null : _nodes[data.Parent].Path,
            Children = [.. data.Children.Select(c => _nodes[c].Path)],
            Currency = Currency,
            Categories = lines,
            Forecast = forecast,
            Adjustments = [.. data.Adjustments],
            Closed = Convert(_forecast, 0, node, (int)ForecastCategory.Closed),
            CommitForecast = Convert(_forecast, 0, node, (int)ForecastCategory.Closed, (int)ForecastCategory.Commit),
            BestCaseForecast = Convert(_forecast, 0, node, (int)ForecastCategory.Closed, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase),
            OpenPipeline = Convert(_forecast, 0, node, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase, (int)ForecastCategory.Pipeline),
            OpenWeighted = Convert(_weighted, 4, node, (int)ForecastCategory.Commit, (int)ForecastCategory.BestCase, (int)ForecastCategory.Pipeline),
        };
    }

    // Adds the exact per-currency sums of the categories first, then converts and rounds once.
    private Money Convert(Int128[] sums, int extraDigits, int node, params int[] categories)
    {
        var perCurrency = new (CurrencyCode, Int128)[_currencies.Length];
        for (var c = 0; c < _currencies.Length; c++)
        {
            var sum = Int128.Zero;
            foreach (var category in categories)
            {
                sum += sums[Cell(node, category, c)];
            }

            perCurrency[c] = (_currencies[c], sum);
        }

        return ExactMath.ToMoney(CurrencyConversion.ToMinorUnits(perCurrency, extraDigits, Currency, _rates, _asOf), Currency);
    }

    private sealed record NodeData(string Path, string Level, string Key, int Parent)
    {
        public List<int> Children { get; } = [];

        public List<ForecastAdjustment> Adjustments { get; } = [];
    }
}
