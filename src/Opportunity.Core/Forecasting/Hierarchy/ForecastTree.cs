namespace Opportunity.Forecasting;

/// <summary>
/// The nodes of one <see cref="ForecastHierarchy"/> with integer ids, built once and grown as new
/// (partner, region) leaves are met, so a roll-up builds no path strings after the first (issue 15
/// item 6: the per-call tree construction was the roll-up's cost). Inner nodes (root and levels) and
/// leaves (partners, per region when a level is the region) have separate id spaces; a parent is
/// always an inner node created before its children. Entries are never changed once written and the
/// arrays are replaced, not resized in place, when they grow, so a reader that took
/// <see cref="Capture"/> reads a consistent prefix while another roll-up adds nodes.
/// </summary>
internal sealed class ForecastTree
{
    private readonly ForecastHierarchy _hierarchy;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<(PartnerId Partner, string? Region), int> _leafOf = [];
    private Node[] _inner = new Node[16];
    private Node[] _leaves = new Node[16];
    private int[] _leafParents = new int[16];
    private int _innerCount;
    private int _leafCount;
    private (PipelineDictionaries Dictionaries, int[] Leaves)? _lastMap;

    public ForecastTree(ForecastHierarchy hierarchy)
    {
        _hierarchy = hierarchy;
        Add(ref _inner, ref _innerCount, new Node(hierarchy.Root, hierarchy.Root, hierarchy.Root, -1));
        _byPath[hierarchy.Root] = 0;
    }

    /// <summary>The nodes as they are now: every inner node's and leaf's data below the counts.</summary>
    public View Capture()
    {
        lock (_gate)
        {
            return new View(_inner, _innerCount, _leaves, _leafCount, _leafParents);
        }
    }

    /// <summary>
    /// The leaf of each (partner code, region code) of <paramref name="dictionaries"/>, −1 until met
    /// (<see cref="Leaf"/> fills it): index <c>partner × regions + region</c>. Kept for the last
    /// dictionaries asked for, so repeated roll-ups of one snapshot look nothing up.
    /// </summary>
    public int[] LeafMap(PipelineDictionaries dictionaries, int regions)
    {
        lock (_gate)
        {
            if (_lastMap is { } last && ReferenceEquals(last.Dictionaries, dictionaries) && last.Leaves.Length == dictionaries.Partners.Length * regions)
            {
                return last.Leaves;
            }

            var map = new int[dictionaries.Partners.Length * regions];
            Array.Fill(map, -1);
            _lastMap = (dictionaries, map);
            return map;
        }
    }

    /// <summary>The leaf of <paramref name="partner"/> within <paramref name="region"/> (null: no region level), created with its missing ancestors.</summary>
    public int Leaf(PartnerId partner, string? region)
    {
        lock (_gate)
        {
            if (_leafOf.TryGetValue((partner, region), out var leaf))
            {
                return leaf;
            }

            var path = _hierarchy.PathOf(partner, region);
            var parent = 0;
            for (var depth = 1; depth < path.Count - 1; depth++)
            {
                if (!_byPath.TryGetValue(path[depth], out var node))
                {
                    node = _innerCount;
                    Add(ref _inner, ref _innerCount, new Node(path[depth], LevelName(path[depth]), KeyOf(path[depth], path[depth - 1].Length), parent));
                    _byPath[path[depth]] = node;
                }

                parent = node;
            }

            // Two keys may name one path (a region labelled as "no region"): one leaf, as one path is one node.
            if (_byPath.TryGetValue(path[^1], out var existing))
            {
                leaf = ~existing;
            }
            else
            {
                leaf = _leafCount;
                if (leaf == _leafParents.Length)
                {
                    var grown = new int[_leafParents.Length * 2];
                    Array.Copy(_leafParents, grown, leaf);
                    _leafParents = grown;
                }

                _leafParents[leaf] = parent;
                Add(ref _leaves, ref _leafCount, new Node(path[^1], ForecastNodePath.PartnerLevel, partner.Value, parent));
                _byPath[path[^1]] = ~leaf;
            }

            _leafOf[(partner, region)] = leaf;
            return leaf;
        }
    }

    /// <summary>The node at <paramref name="path"/>: an inner node's id, or the complement (<c>~id</c>) of a leaf's; false when the tree has none.</summary>
    public bool TryFind(string path, out int node)
    {
        lock (_gate)
        {
            return _byPath.TryGetValue(path, out node);
        }
    }

    private static void Add(ref Node[] nodes, ref int count, Node node)
    {
        if (count == nodes.Length)
        {
            var grown = new Node[nodes.Length * 2];
            Array.Copy(nodes, grown, count);
            nodes = grown;
        }

        nodes[count++] = node;
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

    /// <summary>A node: its path, level name, key and parent (an inner node's id; −1 for the root).</summary>
    public sealed record Node(string Path, string Level, string Key, int Parent);

    /// <summary>The first <paramref name="InnerCount"/> inner nodes and <paramref name="LeafCount"/> leaves, and each leaf's parent as a dense array (the row pass reads it per partner).</summary>
    public sealed record View(Node[] Inner, int InnerCount, Node[] Leaves, int LeafCount, int[] LeafParents);
}
