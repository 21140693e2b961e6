using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes partners that already rejected the lead or let it expire. Always part of a rule set (added first when not listed).</summary>
public sealed class ExcludePreviousRule : IColumnarFilter
{
    /// <summary>The kind name, <c>excludePrevious</c>.</summary>
    public const string KindName = "excludePrevious";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        return Verdict(context.IsExcluded(partner.Id));
    }

    FilterVerdict IColumnarFilter.Check(int index, RoutingContext context) => Verdict(context.IsExcluded(index));

    private static FilterVerdict Verdict(bool excluded) => excluded ? FilterVerdict.Remove("already rejected this lead or let it expire") : FilterVerdict.Keep;
}
