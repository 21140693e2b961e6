namespace Opportunity.Routing;

/// <summary>What a step of a routing trace did.</summary>
public enum RoutingStepRole
{
    /// <summary>Looked up the candidates: through the territory or geo index, or the whole network.</summary>
    Source = 0,

    /// <summary>Removed candidates, each with a reason.</summary>
    Filter = 1,

    /// <summary>Scored the remaining candidates.</summary>
    Scorer = 2,

    /// <summary>Picked the partner (or the partners of a broadcast).</summary>
    Selector = 3,
}
