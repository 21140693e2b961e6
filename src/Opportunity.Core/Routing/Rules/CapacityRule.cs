using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes partners whose open leads reached their <see cref="Partner.Capacity"/>; unlimited partners always pass.</summary>
public sealed class CapacityRule : IColumnarFilter
{
    /// <summary>The kind name, <c>capacity</c>.</summary>
    public const string KindName = "capacity";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        return partner.Capacity is { } capacity ? Verdict(context.Load.OpenLeads(partner.Id), capacity) : FilterVerdict.Keep;
    }

    FilterVerdict IColumnarFilter.Check(int index, RoutingContext context)
    {
        var capacity = context.Network.Row(index).Capacity;
        return capacity == PartnerColumns.Unlimited ? FilterVerdict.Keep : Verdict(context.OpenLeads(index), capacity);
    }

    private static FilterVerdict Verdict(int open, int capacity) =>
        open >= capacity ? FilterVerdict.Remove("at capacity ({0} of {1} open leads)", open, capacity) : FilterVerdict.Keep;
}
