namespace Opportunity.Routing.Rules;

/// <summary>
/// The one ranking the selectors share: higher score first; on a tie, the partner that waited
/// longest since its last assignment (never assigned first); then partner id.
/// </summary>
internal static class CandidateRanking
{
    public static int Compare(in RoutingCandidate a, in RoutingCandidate b, RoutingContext context)
    {
        var byScore = b.Score.CompareTo(a.Score);
        return byScore != 0 ? byScore : CompareWaiting(a, b, context);
    }

    public static int CompareWaiting(in RoutingCandidate a, in RoutingCandidate b, RoutingContext context)
    {
        var lastA = context.LastAssignedAt(a);
        var lastB = context.LastAssignedAt(b);
        var byWait = (lastA, lastB) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            _ => lastA.Value.CompareTo(lastB.Value),
        };
        return byWait != 0 ? byWait
            : a.NetworkIndex >= 0 && b.NetworkIndex >= 0 ? a.NetworkIndex.CompareTo(b.NetworkIndex) // the network is ordered by id
            : a.Partner.Id.CompareTo(b.Partner.Id);
    }

    /// <summary>Index of the best candidate not yet in <paramref name="taken"/>.</summary>
    public static int Best(ReadOnlySpan<RoutingCandidate> candidates, RoutingContext context, ReadOnlySpan<int> taken, bool byScore)
    {
        var best = -1;
        for (var i = 0; i < candidates.Length; i++)
        {
            if (taken.Contains(i))
            {
                continue;
            }

            if (best < 0 || (byScore ? Compare(candidates[i], candidates[best], context) : CompareWaiting(candidates[i], candidates[best], context)) < 0)
            {
                best = i;
            }
        }

        return best;
    }
}
