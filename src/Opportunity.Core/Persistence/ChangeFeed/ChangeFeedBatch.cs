namespace Opportunity.Persistence;

/// <summary>What one read of a change feed returned (<see cref="IChangeFeed.ReadChangesAsync"/>).</summary>
/// <param name="Changes">The changes in feed order; at most the number asked for.</param>
/// <param name="Next">The position to read after next time: the last change's, or the position read after when there was none.</param>
public sealed record ChangeFeedBatch(IReadOnlyList<OpportunityChange> Changes, ChangeFeedPosition Next);
