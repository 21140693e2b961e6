using NodaTime;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence;

/// <summary>
/// The transactional outbox and its dead-letter store. Stores write domain events here in the
/// same transaction as the state change; a dispatcher claims due messages, delivers them at least
/// once, and completes, retries or dead-letters each. Claims are leases, so two dispatchers never
/// hold the same message at once.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Adds messages; a message whose id is already present (pending, delivered or dead) is ignored.</summary>
    Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Claims due messages (due at or before <see cref="DueWorkClaim.Now"/>, not leased by others), oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a claimed message delivered and, in the same transaction, enqueues
    /// <paramref name="followUps"/> (e.g. notifications fanned out from an event).
    /// Returns false, changing nothing, when <paramref name="owner"/> no longer holds the lease.
    /// </summary>
    Task<bool> CompleteAsync(string messageId, string owner, Instant at, IEnumerable<OutboxMessage>? followUps = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends the lease of a claimed message to <paramref name="until"/>, e.g. right before its
    /// delivery starts, so that the lease covers the delivery and not the wait in a batch.
    /// Returns false, changing nothing, when the message is no longer pending or
    /// <paramref name="owner"/> no longer holds it (another worker claimed it after the lease ran
    /// out); the caller must then not deliver it. A lease that ran out but was not taken over
    /// is still the owner's and is renewed.
    /// </summary>
    Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt and schedules the next one. False when the lease was lost.</summary>
    Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default);

    /// <summary>Moves a claimed message to the dead-letter store. False when the lease was lost.</summary>
    Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default);

    /// <summary>Dead letters of a tenant (all tenants when null), oldest first.</summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>Moves a dead letter back to the outbox, due at <paramref name="now"/>, attempts reset. False when no such dead letter.</summary>
    Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default);

    /// <summary>Messages not yet delivered nor dead (for monitoring and tests), oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// How many messages are pending and when the oldest was written, for the outbox gauges and the
    /// health check; called at every metrics collection, so stores answer it with one aggregate
    /// query. The default implementation counts <see cref="ListPendingAsync"/>, so a store written
    /// before 0.2.0 works unchanged (but reads every pending message).
    /// </summary>
    async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken = default)
    {
        var pending = await ListPendingAsync(cancellationToken).ConfigureAwait(false);
        return pending.Count == 0 ? OutboxBacklog.Empty : new OutboxBacklog(pending.Count, pending.Min(m => m.CreatedAt));
    }

    /// <summary>
    /// Retention: removes up to <paramref name="maxMessages"/> delivered messages delivered before
    /// <paramref name="olderThan"/>, oldest first, and returns how many it removed (call again while
    /// it returns <paramref name="maxMessages"/>). Pending messages and dead letters are never
    /// removed. The id of a removed message is still recognised: enqueueing it again is ignored, as
    /// before (stores keep a narrow record of purged ids, e.g. a 16-byte hash per id, see
    /// <see cref="StoredValues.OutboxIdHash"/>). The default implementation removes nothing and
    /// returns 0, so a store written before 0.2.0 keeps every delivered message, as it did.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMessages"/> is not positive.</exception>
    Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        return Task.FromResult(0);
    }
}
