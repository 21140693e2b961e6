namespace Opportunity.Routing.Rules;

/// <summary>
/// Picks the partner that waited longest since its last assignment (routed or manual; never
/// assigned counts as longest), ignoring scores; ties go to the lower partner id. Over a run of
/// leads every eligible partner gets its turn.
/// </summary>
public sealed class RoundRobinSelector : IRoutingSelector
{
    /// <summary>The kind name, <c>roundRobin</c>.</summary>
    public const string KindName = "roundRobin";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public int MaxPicks => 1;

    /// <inheritdoc />
    public int Select(ReadOnlySpan<RoutingCandidate> candidates, RoutingContext context, Span<int> picks, out RoutingNote note)
    {
        ArgumentNullException.ThrowIfNull(context);
        var best = CandidateRanking.Best(candidates, context, [], byScore: false);
        picks[0] = best;
        note = context.LastAssignedAt(candidates[best]) is { } last
            ? new RoutingNote("waited longest: last assignment {0:0.##} h before", (context.Now - last).TotalHours)
            : new RoutingNote("waited longest: never assigned before");
        return 1;
    }
}
