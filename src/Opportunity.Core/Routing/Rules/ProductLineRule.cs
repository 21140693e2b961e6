using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes partners that do not sell the lead's product interest. Leads without a product interest pass.</summary>
public sealed class ProductLineRule : IColumnarFilter
{
    /// <summary>The kind name, <c>productLine</c>.</summary>
    public const string KindName = "productLine";

    private const string Removal = "does not sell '{2}'";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return LeadValueMembership.Check(partner, context.Lead.ProductInterest, static p => p.ProductLines, Removal);
    }

    FilterVerdict IColumnarFilter.Check(int index, RoutingContext context)
    {
        ref readonly var row = ref context.Network.Row(index);
        return LeadValueMembership.Check(row, row.ProductLines, context.Lead.ProductInterest, context.ProductInterestKey, static p => p.ProductLines, Removal);
    }
}
