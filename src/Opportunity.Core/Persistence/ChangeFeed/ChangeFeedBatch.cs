namespace Opportunity.Persistence;

/// <summary>What one read of a change feed returned (<see cref="IChangeFeed.ReadChangesAsync"/>).</summary>
/// <param name="Changes">The changes in feed order; at most the number asked for.</param>
/// <param name="Next">The position to read after next time: the last change's, or the position read after when there was none.</param>
public sealed record ChangeFeedBatch(IReadOnlyList<OpportunityChange> Changes, ChangeFeedPosition Next)
{
    /// <summary>
    /// True when entries after the position read from were removed by a trim
    /// (<see cref="IChangeFeed.TrimAsync"/>): the reader may have missed changes and must load the
    /// tenant's current state again — take the head first, load, then read after the head — as it
    /// did when it started. <see cref="Changes"/> may then hold changes, but not all of them.
    /// </summary>
    public bool ResyncRequired { get; init; }
}
