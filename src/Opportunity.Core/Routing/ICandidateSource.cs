namespace Opportunity.Routing;

/// <summary>
/// A filter that can also look its candidates up in the <see cref="RoutingNetwork"/> index. The
/// first such rule that can narrow a lead becomes the source step; it may widen in rings (radius
/// steps) until a candidate survives the other filters.
/// </summary>
internal interface ICandidateSource : IRoutingFilter
{
    bool CanNarrow(RoutingContext context);

    int RingCount(RoutingContext context);

    void AddRing(RoutingContext context, int ring, CandidateBuffer buffer);

    RoutingNote DescribeSource(RoutingContext context, int ringsUsed, int found);
}
