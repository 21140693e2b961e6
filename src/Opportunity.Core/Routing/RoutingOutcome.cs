namespace Opportunity.Routing;

/// <summary>How a routing decision ended.</summary>
public enum RoutingOutcome
{
    /// <summary>No partner qualified: the lead goes to the manufacturer's queue with the reason (never dropped).</summary>
    Unroutable = 0,

    /// <summary>One partner was picked.</summary>
    Assigned = 1,

    /// <summary>Several partners were picked for a broadcast; the first to accept wins.</summary>
    Broadcast = 2,
}
