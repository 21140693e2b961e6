using Opportunity.Partners;

namespace Opportunity.Forecasting;

/// <summary>
/// One level of a <see cref="ForecastHierarchy"/> between the root and the partners: the region of
/// the deal (<see cref="Region"/>), the partner's channel manager (<see cref="ChannelManager"/>), or
/// any key of the partner (<see cref="OfPartner(string, Func{Partner, string})"/>, e.g. a distributor). A level whose key is null
/// for a partner is skipped on that partner's path (a partner without a channel manager hangs
/// directly under the level above).
/// </summary>
public sealed record ForecastHierarchyLevel
{
    private ForecastHierarchyLevel(string name, Func<Partner, string?>? partnerKey)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains(ForecastNodePath.LevelSeparator, StringComparison.Ordinal) || name.Contains(ForecastNodePath.Separator, StringComparison.Ordinal) || name == ForecastNodePath.PartnerLevel)
        {
            throw new InvalidInputException(OpportunityErrorCodes.InvalidForecastHierarchy, nameof(Name), $"Level name '{name}' is not usable: it must be non-empty, without ':' or '/', and not '{ForecastNodePath.PartnerLevel}' (the partners are always the last level).");
        }

        Name = name;
        PartnerKey = partnerKey;
    }

    /// <summary>The level's name, the prefix of its nodes' keys in a path (<c>region:EMEA</c>).</summary>
    public string Name { get; }

    /// <summary>The key of a partner at this level; null for <see cref="Region"/>, whose key is the deal's region.</summary>
    internal Func<Partner, string?>? PartnerKey { get; }

    /// <summary>True for the level keyed by the region of the deal rather than by the partner.</summary>
    public bool IsRegion => PartnerKey is null;

    /// <summary>The region of the deal (<c>region</c>); deals without a region are under <c>region:(none)</c>.</summary>
    public static ForecastHierarchyLevel Region { get; } = new("region", null);

    /// <summary>The partner's channel manager (<c>channel_manager</c>, <see cref="Partner.ChannelManagerEmail"/>).</summary>
    public static ForecastHierarchyLevel ChannelManager { get; } = new("channel_manager", p => p.ChannelManagerEmail);

    /// <summary>A level keyed by any function of the partner, e.g. <c>OfPartner("distributor", p => …)</c>.</summary>
    /// <param name="name">The level's name (no ':' or '/').</param>
    /// <param name="key">The partner's key at this level; null skips the level for that partner.</param>
    /// <exception cref="InvalidInputException">The name is not usable (<see cref="OpportunityErrorCodes.InvalidForecastHierarchy"/>).</exception>
    public static ForecastHierarchyLevel OfPartner(string name, Func<Partner, string?> key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(name, key);
    }

    /// <summary>A level keyed by a map of partner to node key (partners not in the map skip the level).</summary>
    public static ForecastHierarchyLevel OfPartner(string name, IReadOnlyDictionary<PartnerId, string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new(name, p => keys.GetValueOrDefault(p.Id));
    }
}
