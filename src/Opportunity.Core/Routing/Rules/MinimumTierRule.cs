using System.Globalization;
using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes partners below a tier level (e.g. only Gold and above).</summary>
public sealed class MinimumTierRule : IColumnarFilter
{
    /// <summary>The kind name, <c>minimumTier</c>.</summary>
    public const string KindName = "minimumTier";

    /// <summary>Creates the rule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level is negative.</exception>
    public MinimumTierRule(int minimumLevel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLevel);
        MinimumLevel = minimumLevel;
        Description = string.Create(CultureInfo.InvariantCulture, $"{KindName} level {minimumLevel}");
    }

    /// <summary>Creates the rule from a tier: its level is the minimum.</summary>
    public MinimumTierRule(PartnerTier minimum)
        : this(minimum.Level)
    {
    }

    /// <summary>The lowest level that passes.</summary>
    public int MinimumLevel { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return partner.Tier.Level >= MinimumLevel ? FilterVerdict.Keep : Removal(partner);
    }

    FilterVerdict IColumnarFilter.Check(int index, RoutingContext context)
    {
        ref readonly var row = ref context.Network.Row(index);
        return row.TierLevel >= MinimumLevel ? FilterVerdict.Keep : Removal(row.Partner);
    }

    private FilterVerdict Removal(Partner partner) =>
        FilterVerdict.Remove("tier {2} (level {0}) is below level {1}", partner.Tier.Level, MinimumLevel, partner.Tier.Name);
}
