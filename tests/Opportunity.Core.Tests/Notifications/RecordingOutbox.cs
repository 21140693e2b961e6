using NodaTime;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Core.Tests.Notifications;

/// <summary>Passes everything to an in-memory store and records what CompleteAsync was given.</summary>
internal sealed class RecordingOutbox(InMemoryStore inner) : IOutboxStore
{
    public InMemoryStore Inner { get; } = inner;

    public List<(string MessageId, List<OutboxMessage> FollowUps)> Completions { get; } = [];

    public int EnqueueCalls { get; private set; }

    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        EnqueueCalls++;
        return Inner.EnqueueAsync(messages, cancellationToken);
    }

    public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) => Inner.ClaimAsync(claim, cancellationToken);

    public Task<bool> CompleteAsync(string messageId, string owner, Instant at, IEnumerable<OutboxMessage>? followUps = null, CancellationToken cancellationToken = default)
    {
        var list = followUps?.ToList() ?? [];
        lock (Completions)
        {
            Completions.Add((messageId, list));
        }

        return Inner.CompleteAsync(messageId, owner, at, list, cancellationToken);
    }

    public Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default) => Inner.RenewLeaseAsync(messageId, owner, until, cancellationToken);

    public Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default) => Inner.RetryLaterAsync(messageId, owner, nextAttemptAt, error, cancellationToken);

    public Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default) => Inner.DeadLetterAsync(messageId, owner, reason, at, cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) => Inner.ListDeadLettersAsync(tenant, cancellationToken);

    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default) => Inner.RequeueDeadLetterAsync(messageId, now, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default) => Inner.ListPendingAsync(cancellationToken);
}
