using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes partners that do not sell the lead's product interest. Leads without a product interest pass.</summary>
public sealed class ProductLineRule : IRoutingFilter
{
    /// <summary>The kind name, <c>productLine</c>.</summary>
    public const string KindName = "productLine";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        var interest = context.Lead.ProductInterest;
        return interest is null || partner.ProductLines.Contains(interest)
            ? FilterVerdict.Keep
            : FilterVerdict.Remove("does not sell '{2}'", text: interest);
    }
}
