namespace Opportunity.Routing;

/// <summary>
/// A built-in filter that can also check a partner by its index in the network, reading the dense
/// rule rows of <see cref="RoutingNetwork"/> instead of the partner object. Gives the same verdict
/// as <see cref="IRoutingFilter.Check"/>.
/// </summary>
internal interface IColumnarFilter : IRoutingFilter
{
    FilterVerdict Check(int index, RoutingContext context);
}
