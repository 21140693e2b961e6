namespace Opportunity.Routing;

/// <summary>The last step of a rule set: picks one partner (or several, for a broadcast) from the scored candidates.</summary>
public interface IRoutingSelector : IRoutingRule
{
    /// <summary>How many partners the selector picks at most: 1, or N for a broadcast.</summary>
    int MaxPicks { get; }

    /// <summary>
    /// Writes the indexes (into <paramref name="candidates"/>) of the picked partners to
    /// <paramref name="picks"/>, best first, and returns how many it picked (0 when none qualifies).
    /// Randomness must come from <see cref="RoutingContext.NextRandom"/> so decisions replay from their seed.
    /// </summary>
    /// <param name="candidates">The surviving candidates with their total scores, in partner-id order; never empty.</param>
    /// <param name="context">The routing context.</param>
    /// <param name="picks">Room for <see cref="MaxPicks"/> indexes.</param>
    /// <param name="note">What the trace says about the choice.</param>
    int Select(ReadOnlySpan<RoutingCandidate> candidates, RoutingContext context, Span<int> picks, out RoutingNote note);
}
