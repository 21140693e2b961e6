namespace Opportunity.Partners;

/// <summary>
/// The tree of a tenant's partners by <see cref="Partner.ParentId"/>: distributors and the resellers
/// they serve, optionally deeper. Built from the partner list (e.g. the partner directory's
/// <c>ListAsync</c>); a partner without a parent is a root, served by the manufacturer directly.
/// </summary>
public sealed class PartnerHierarchy
{
    private readonly Dictionary<PartnerId, PartnerId?> _parents;
    private readonly Dictionary<PartnerId, List<PartnerId>> _children = [];

    private PartnerHierarchy(Dictionary<PartnerId, PartnerId?> parents)
    {
        _parents = parents;
        foreach (var (id, parent) in parents.OrderBy(p => p.Key.Value, StringComparer.Ordinal))
        {
            if (parent is { } p)
            {
                (_children.TryGetValue(p, out var list) ? list : _children[p] = []).Add(id);
            }
        }
    }

    /// <summary>Builds the tree of <paramref name="partners"/> (one tenant's).</summary>
    /// <exception cref="InvalidInputException">A partner names a parent not in the list (<see cref="OpportunityErrorCodes.PartnerParentUnknown"/>) or is its own ancestor (<see cref="OpportunityErrorCodes.PartnerHierarchyCycle"/>); the message names the partner.</exception>
    /// <exception cref="ArgumentException">Two partners share an id.</exception>
    public static PartnerHierarchy Of(IEnumerable<Partner> partners)
    {
        ArgumentNullException.ThrowIfNull(partners);
        var parents = new Dictionary<PartnerId, PartnerId?>();
        foreach (var partner in partners)
        {
            ArgumentNullException.ThrowIfNull(partner, nameof(partners));
            if (!parents.TryAdd(partner.Id, partner.ParentId))
            {
                throw new ArgumentException($"Partner '{partner.Id}' occurs twice.", nameof(partners));
            }
        }

        foreach (var (id, parent) in parents)
        {
            CheckParent(id, parent, p => parents.TryGetValue(p, out var up) ? (true, up) : (false, null));
        }

        return new PartnerHierarchy(parents);
    }

    /// <summary>
    /// The check every store runs before it saves a partner: its parent exists (looked up with
    /// <paramref name="parentOf"/>, which answers whether a partner exists and whom it names as
    /// parent) and the partner is not among the parent's ancestors.
    /// </summary>
    /// <exception cref="InvalidInputException">An unknown parent (<see cref="OpportunityErrorCodes.PartnerParentUnknown"/>) or a cycle (<see cref="OpportunityErrorCodes.PartnerHierarchyCycle"/>), field <c>Partner.ParentId</c>.</exception>
    public static void CheckParent(PartnerId partner, PartnerId? parent, Func<PartnerId, (bool Exists, PartnerId? Parent)> parentOf)
    {
        ArgumentNullException.ThrowIfNull(parentOf);
        var seen = new HashSet<PartnerId>();
        for (var current = parent; current is { } id; )
        {
            if (id == partner)
            {
                throw new InvalidInputException(OpportunityErrorCodes.PartnerHierarchyCycle, "Partner.ParentId", $"Partner '{partner}' cannot have parent '{parent}': '{partner}' would be its own ancestor.");
            }

            var (exists, up) = parentOf(id);
            if (!exists)
            {
                throw new InvalidInputException(OpportunityErrorCodes.PartnerParentUnknown, "Partner.ParentId", id == parent
                    ? $"Partner '{partner}' names parent '{parent}', which the tenant does not have."
                    : $"Partner '{partner}' has ancestor '{id}', which the tenant does not have.");
            }

            if (!seen.Add(id))
            {
                // A cycle above the partner (stored before this check existed) is refused the same way.
                throw new InvalidInputException(OpportunityErrorCodes.PartnerHierarchyCycle, "Partner.ParentId", $"Partner '{partner}' cannot have parent '{parent}': its ancestors form a cycle at '{id}'.");
            }

            current = up;
        }
    }

    /// <summary>The partners in the tree, ordered by id.</summary>
    public IEnumerable<PartnerId> Partners => _parents.Keys.OrderBy(p => p.Value, StringComparer.Ordinal);

    /// <summary>True when <paramref name="partner"/> is in the tree.</summary>
    public bool Contains(PartnerId partner) => _parents.ContainsKey(partner);

    /// <summary>The partner's parent, or null for a root.</summary>
    /// <exception cref="EntityNotFoundException">The partner is not in the tree (<see cref="OpportunityErrorCodes.PartnerNotFound"/>).</exception>
    public PartnerId? Parent(PartnerId partner) =>
        _parents.TryGetValue(partner, out var parent) ? parent : throw new EntityNotFoundException(OpportunityErrorCodes.PartnerNotFound, nameof(Partner), partner.Value, $"Partner '{partner}' is not in the hierarchy.");

    /// <summary>The partner's direct children (its resellers), ordered by id.</summary>
    /// <exception cref="EntityNotFoundException">The partner is not in the tree.</exception>
    public IReadOnlyList<PartnerId> Children(PartnerId partner)
    {
        _ = Parent(partner);
        return _children.TryGetValue(partner, out var children) ? children : [];
    }

    /// <summary>The partner's ancestors, its parent first and the root last; empty for a root.</summary>
    /// <exception cref="EntityNotFoundException">The partner is not in the tree.</exception>
    public IReadOnlyList<PartnerId> Ancestors(PartnerId partner)
    {
        var ancestors = new List<PartnerId>();
        for (var up = Parent(partner); up is { } id; up = _parents[id])
        {
            ancestors.Add(id);
        }

        return ancestors;
    }

    /// <summary>Every partner below <paramref name="partner"/>, level by level (children first), each level ordered by id.</summary>
    /// <exception cref="EntityNotFoundException">The partner is not in the tree.</exception>
    public IReadOnlyList<PartnerId> Descendants(PartnerId partner)
    {
        var result = new List<PartnerId>();
        var level = Children(partner);
        while (level.Count > 0)
        {
            result.AddRange(level);
            level = [.. level.SelectMany(Children)];
        }

        return result;
    }

    /// <summary>How far below a root the partner is: 0 for a root (a distributor or a direct partner), 1 for its resellers.</summary>
    /// <exception cref="EntityNotFoundException">The partner is not in the tree.</exception>
    public int Depth(PartnerId partner) => Ancestors(partner).Count;

    /// <summary>The root above the partner (the partner itself when it is a root).</summary>
    /// <exception cref="EntityNotFoundException">The partner is not in the tree.</exception>
    public PartnerId Root(PartnerId partner) => Ancestors(partner) is { Count: > 0 } up ? up[^1] : partner;

    /// <summary>True when <paramref name="partner"/> is <paramref name="ancestor"/> or below it.</summary>
    public bool IsWithin(PartnerId partner, PartnerId ancestor) =>
        _parents.ContainsKey(partner) && (partner == ancestor || Ancestors(partner).Contains(ancestor));
}
