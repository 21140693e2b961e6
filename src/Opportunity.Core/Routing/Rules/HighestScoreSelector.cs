namespace Opportunity.Routing.Rules;

/// <summary>Picks the highest total score; ties go to the partner that waited longest since its last assignment, then to the lower partner id.</summary>
public sealed class HighestScoreSelector : IRoutingSelector
{
    /// <summary>The kind name, <c>highestScore</c>.</summary>
    public const string KindName = "highestScore";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public int MaxPicks => 1;

    /// <inheritdoc />
    public int Select(ReadOnlySpan<RoutingCandidate> candidates, RoutingContext context, Span<int> picks, out RoutingNote note)
    {
        var best = CandidateRanking.Best(candidates, context, [], byScore: true);
        var ties = 0;
        foreach (var c in candidates)
        {
            ties += c.Score == candidates[best].Score ? 1 : 0;
        }

        picks[0] = best;
        note = ties > 1
            ? new RoutingNote("highest total score {0:0.####}, shared by {1} partners: the one waiting longest wins", candidates[best].Score, ties)
            : new RoutingNote("highest total score {0:0.####}", candidates[best].Score);
        return 1;
    }
}
