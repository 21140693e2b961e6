using System.Diagnostics;
using NodaTime;
using Opportunity.Persistence;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// Forwards to an outbox store and measures the dispatcher's side of it for the storage run's delivery rate:
/// the wall time during which at least one claim, renewal, completion, retry or dead-lettering is in flight
/// (the scenario's channel delivers at once, so that is the time dispatch runs spend), and how many messages
/// were completed in it. Enqueues of the workload and the final purge are not counted.
/// </summary>
internal sealed class DispatchTimingOutbox(IOutboxStore inner) : IOutboxStore
{
    private readonly Stopwatch _busy = new();
    private readonly Lock _gate = new();
    private int _inFlight;
    private int _completed;
    private int _claims;
    private long _claimed;

    /// <summary>Messages completed (delivered or fanned out).</summary>
    public int Completed => _completed;

    /// <summary>Claims made, and messages they returned (a claim also returns what its dispatcher holds already).</summary>
    public (int Claims, long Returned) Claims => (_claims, Interlocked.Read(ref _claimed));

    /// <summary>Wall time with a dispatch call in flight.</summary>
    public TimeSpan Busy => _busy.Elapsed;

    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default) => inner.EnqueueAsync(messages, cancellationToken);

    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default)
    {
        var claimed = await TimedAsync(() => inner.ClaimAsync(claim, cancellationToken));
        Interlocked.Increment(ref _claims);
        Interlocked.Add(ref _claimed, claimed.Count);
        return claimed;
    }

    public async Task<bool> CompleteAsync(string messageId, string owner, Instant at, IEnumerable<OutboxMessage>? followUps = null, CancellationToken cancellationToken = default)
    {
        var done = await TimedAsync(() => inner.CompleteAsync(messageId, owner, at, followUps, cancellationToken));
        if (done)
        {
            Interlocked.Increment(ref _completed);
        }

        return done;
    }

    public Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default) => TimedAsync(() => inner.RenewLeaseAsync(messageId, owner, until, cancellationToken));

    public Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default) => TimedAsync(() => inner.RetryLaterAsync(messageId, owner, nextAttemptAt, error, cancellationToken));

    public Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default) => TimedAsync(() => inner.DeadLetterAsync(messageId, owner, reason, at, cancellationToken));

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) => inner.ListDeadLettersAsync(tenant, cancellationToken);

    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default) => inner.RequeueDeadLetterAsync(messageId, now, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default) => inner.ListPendingAsync(cancellationToken);

    public Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken = default) => inner.GetBacklogAsync(cancellationToken);

    public Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default) => inner.PurgeDeliveredAsync(olderThan, maxMessages, cancellationToken);

    private async Task<T> TimedAsync<T>(Func<Task<T>> call)
    {
        lock (_gate)
        {
            if (_inFlight++ == 0)
            {
                _busy.Start();
            }
        }

        try
        {
            return await call();
        }
        finally
        {
            lock (_gate)
            {
                if (--_inFlight == 0)
                {
                    _busy.Stop();
                }
            }
        }
    }
}
