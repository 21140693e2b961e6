namespace Opportunity.Routing;

/// <summary>A built-in scorer that can also score a partner by its index in the network; gives the same score as <see cref="IRoutingScorer.Score"/>.</summary>
internal interface IColumnarScorer : IRoutingScorer
{
    double Score(int index, RoutingContext context);
}
