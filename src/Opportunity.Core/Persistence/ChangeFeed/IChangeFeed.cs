namespace Opportunity.Persistence;

/// <summary>
/// Per tenant, the ordered feed of committed changes to opportunities (added, saved, imported,
/// converted from a lead), readable from a position by any number of independent readers — every
/// host follows it, none claims anything. A reader that asks after its last <see cref="ChangeFeedBatch.Next"/>
/// misses no change, also when transactions commit in another order than they wrote: positions
/// follow the commit order (PostgreSQL numbers each transaction at its commit, under a lock per
/// tenant held until the commit completes; SQLite and the in-memory store have one writer at a
/// time, whose writes commit in feed order). Within
/// the application's transaction (<see cref="StoreTransaction"/>) the feed's entries commit or roll
/// back with it. Every adapter of this library implements it on its store object; the conformance
/// suite checks ordering, the out-of-order commit race, tenant isolation and reading from a position.
/// </summary>
public interface IChangeFeed
{
    /// <summary>
    /// Up to <paramref name="maxCount"/> committed changes of <paramref name="tenant"/> after
    /// <paramref name="after"/>, in feed order. An opportunity may appear more than once (once per
    /// change); each entry carries its state at the time of reading.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is below 1.</exception>
    Task<ChangeFeedBatch> ReadChangesAsync(TenantId tenant, ChangeFeedPosition after, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>
    /// The position of the tenant's last committed change (<see cref="ChangeFeedPosition.Start"/>
    /// when there is none). Every change up to it
    /// is committed and readable: a reader that loads the current state after taking the head, and
    /// then follows the feed after the head, misses nothing.
    /// </summary>
    Task<ChangeFeedPosition> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retention: removes the tenant's entries before <paramref name="upTo"/> — never the tenant's
    /// newest entry, so the head stays readable — and remembers the last removed position. A later
    /// read after a position before that returns <see cref="ChangeFeedBatch.ResyncRequired"/>; a
    /// reader at or after the last removed position (so every reader at or after
    /// <paramref name="upTo"/>) is not affected. Idempotent, and several hosts may trim at once.
    /// Returns how many entries were removed. PostgreSQL removes whole commits: those numbered below
    /// <paramref name="upTo"/>'s.
    /// </summary>
    Task<int> TrimAsync(TenantId tenant, ChangeFeedPosition upTo, CancellationToken cancellationToken = default);
}
