using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes inactive partners. Always part of a rule set (added first when not listed).</summary>
public sealed class ActiveRule : IColumnarFilter
{
    /// <summary>The kind name, <c>active</c>.</summary>
    public const string KindName = "active";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return Verdict(partner.IsActive);
    }

    FilterVerdict IColumnarFilter.Check(int index, RoutingContext context) => Verdict(context.Network.Row(index).IsActive);

    private static FilterVerdict Verdict(bool active) => active ? FilterVerdict.Keep : FilterVerdict.Remove("inactive");
}
