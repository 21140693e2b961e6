using NodaTime;
using Opportunity.Persistence;

namespace Opportunity.Hosting.Tests.BackgroundProcessing;

/// <summary>Throws from the first <paramref name="failures"/> claims, as a database that is briefly unreachable would; forwards everything else.</summary>
internal sealed class FailingOutbox(IOutboxStore inner, int failures) : IOutboxStore
{
    private int _claims;

    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default) => inner.EnqueueAsync(messages, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) =>
        Interlocked.Increment(ref _claims) <= failures ? throw new TimeoutException("database unreachable") : inner.ClaimAsync(claim, cancellationToken);

    public Task<bool> CompleteAsync(string messageId, string owner, Instant at, IEnumerable<OutboxMessage>? followUps = null, CancellationToken cancellationToken = default) =>
        inner.CompleteAsync(messageId, owner, at, followUps, cancellationToken);

    public Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(messageId, owner, until, cancellationToken);

    public Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default) =>
        inner.RetryLaterAsync(messageId, owner, nextAttemptAt, error, cancellationToken);

    public Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default) => inner.DeadLetterAsync(messageId, owner, reason, at, cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) => inner.ListDeadLettersAsync(tenant, cancellationToken);

    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default) => inner.RequeueDeadLetterAsync(messageId, now, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default) => inner.ListPendingAsync(cancellationToken);

    public Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default) => inner.PurgeDeliveredAsync(olderThan, maxMessages, cancellationToken);
}
