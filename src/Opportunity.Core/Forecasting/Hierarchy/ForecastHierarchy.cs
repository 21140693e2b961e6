using Opportunity.Partners;

namespace Opportunity.Forecasting;

/// <summary>
/// A forecast tree: a root (the manufacturer's network), then the configured levels in order, then
/// the partners as leaves, e.g. network → region → channel manager → partner. Levels are the deal's
/// region, the channel manager, or any key of the partner (<see cref="ForecastHierarchyLevel"/>), so
/// a distributor level is one more <see cref="ForecastHierarchyLevel.OfPartner(string, Func{Partner, string})"/>.
/// <see cref="ForecastHierarchyRollup.Compute"/> rolls a period's pipeline up this tree.
/// </summary>
public sealed class ForecastHierarchy
{
    private readonly Dictionary<PartnerId, Partner> _partners;

    /// <summary>Creates the tree.</summary>
    /// <param name="levels">The levels between the root and the partners, top first (may be empty).</param>
    /// <param name="partners">The partner directory the partner-keyed levels read; a deal's partner not in it skips those levels.</param>
    /// <param name="root">The root's name, the first segment of every path (default <c>network</c>).</param>
    /// <exception cref="InvalidInputException">Two levels share a name, or the root name holds '/' or ':' or is blank (<see cref="OpportunityErrorCodes.InvalidForecastHierarchy"/>).</exception>
    public ForecastHierarchy(IEnumerable<ForecastHierarchyLevel> levels, IEnumerable<Partner> partners, string root = "network")
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(partners);
        Levels = [.. levels];
        if (Levels.Any(l => l is null))
        {
            throw new ArgumentException("A level is null.", nameof(levels));
        }

        if (Levels.GroupBy(l => l.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidInputException(OpportunityErrorCodes.InvalidForecastHierarchy, nameof(Levels), $"Level '{twice.Key}' occurs twice; every level of a forecast tree needs its own name.");
        }

        if (string.IsNullOrWhiteSpace(root) || root.Contains(ForecastNodePath.Separator, StringComparison.Ordinal) || root.Contains(ForecastNodePath.LevelSeparator, StringComparison.Ordinal))
        {
            throw new InvalidInputException(OpportunityErrorCodes.InvalidForecastHierarchy, nameof(Root), $"Root name '{root}' is not usable: it must be non-empty, without ':' or '/'.");
        }

        Root = root;
        _partners = [];
        foreach (var partner in partners)
        {
            _partners[partner.Id] = partner;
        }

        HasRegionLevel = Levels.Any(l => l.IsRegion);
        Tree = new ForecastTree(this);
    }

    /// <summary>The levels between the root and the partners, top first.</summary>
    public IReadOnlyList<ForecastHierarchyLevel> Levels { get; }

    /// <summary>The root's name and path.</summary>
    public string Root { get; }

    /// <summary>Whether a level is keyed by the deal's region (then a partner may sit under several regions).</summary>
    public bool HasRegionLevel { get; }

    /// <summary>The nodes with integer ids, built as roll-ups meet partners and kept for the next (<see cref="ForecastHierarchyRollup"/>).</summary>
    internal ForecastTree Tree { get; }

    /// <summary>
    /// network → region → channel manager → distributor → partner over <paramref name="partners"/>
    /// (partners outside every two-tier tree skip the distributor level).
    /// </summary>
    public static ForecastHierarchy Default(IEnumerable<Partner> partners)
    {
        var list = partners as IReadOnlyCollection<Partner> ?? [.. partners];
        return new([ForecastHierarchyLevel.Region, ForecastHierarchyLevel.ChannelManager, ForecastHierarchyLevel.Distributor(list)], list);
    }

    /// <summary>
    /// The path from the root to the leaf of <paramref name="partner"/>'s deals in
    /// <paramref name="region"/> (null: no region), root first, the leaf last.
    /// </summary>
    public IReadOnlyList<string> PathOf(PartnerId partner, string? region)
    {
        var path = new List<string> { Root };
        var known = _partners.GetValueOrDefault(partner);
        foreach (var level in Levels)
        {
            var key = level.PartnerKey is { } partnerKey
                ? (known is null ? null : partnerKey(known))
                : (string.IsNullOrWhiteSpace(region) ? PipelineDictionaries.NoneLabel : region);
            if (key is not null)
            {
                path.Add(ForecastNodePath.Child(path[^1], level.Name, key));
            }
        }

        path.Add(ForecastNodePath.Partner(path[^1], partner));
        return path;
    }
}
