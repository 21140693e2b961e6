using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes partners whose open leads reached their <see cref="Partner.Capacity"/>; unlimited partners always pass.</summary>
public sealed class CapacityRule : IRoutingFilter
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
        if (partner.Capacity is not { } capacity)
        {
            return FilterVerdict.Keep;
        }

        var open = context.Load.OpenLeads(partner.Id);
        return open >= capacity ? FilterVerdict.Remove("at capacity ({0} of {1} open leads)", open, capacity) : FilterVerdict.Keep;
    }
}
