using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Persistence;

namespace Opportunity.Notifications;

/// <summary>
/// Delivers what the outbox holds, at least once. Each run claims due messages (leases, so two
/// dispatchers never hold the same message), turns every domain event into one notification per
/// channel and recipient (written in the same step that completes the event, with deterministic
/// ids), and hands every notification to its channel: success completes it, a transient failure
/// schedules another attempt with exponential back-off and seeded jitter (or the receiver's
/// <c>Retry-After</c>), and a permanent failure or the last allowed attempt moves it to the
/// dead-letter store, which is never purged and can be listed and re-queued. Time comes only from
/// the injected <see cref="IClock"/>: the host calls <see cref="DispatchDueAsync"/> on its own
/// schedule (a timer, a background service, a test).
/// </summary>
public sealed partial class NotificationDispatcher : IDisposable
{
    /// <summary>The name of the <see cref="Meter"/> with the counters <c>opportunity.notifications.sent</c>, <c>.retried</c>, <c>.dead_lettered</c>, <c>.created</c> and the histogram <c>.delivery_latency</c> (seconds).</summary>
    public const string MeterName = "Opportunity.Notifications";

    private static int s_instances;

    private readonly IOutboxStore _outbox;
    private readonly IClock _clock;
    private readonly NotificationDispatcherOptions _options;
    private readonly Dictionary<string, INotificationChannel> _channels;
    private readonly NotificationFanOut _fanOut;
    private readonly ExponentialBackoff _backoff;
    private readonly ILogger _logger;
    private readonly NotificationMetrics _metrics;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a dispatcher.</summary>
    /// <param name="outbox">The outbox with its dead-letter store.</param>
    /// <param name="partners">Where partner contact and channel manager addresses come from.</param>
    /// <param name="channels">The channels; names must be unique.</param>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="clock">The only source of time.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="meterFactory">Optional meter factory (DI's); without it the dispatcher owns its meter.</param>
    /// <exception cref="OptionsValidationException">Invalid options.</exception>
    /// <exception cref="ArgumentException">Two channels share a name, or a channel is named like the domain-event topic.</exception>
    public NotificationDispatcher(
        IOutboxStore outbox,
        IPartnerDirectory partners,
        IEnumerable<INotificationChannel> channels,
        NotificationDispatcherOptions options,
        IClock clock,
        ILogger<NotificationDispatcher>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var validation = new NotificationDispatcherOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(string.Empty, typeof(NotificationDispatcherOptions), validation.Failures);
        }

        var list = channels.ToList();
        _channels = new Dictionary<string, INotificationChannel>(StringComparer.Ordinal);
        foreach (var channel in list)
        {
            ArgumentNullException.ThrowIfNull(channel, nameof(channels));
            if (string.IsNullOrWhiteSpace(channel.Name) || channel.Name == OutboxMessage.DomainEventTopic)
            {
                throw new ArgumentException($"Channel name '{channel.Name}' is empty or reserved for domain events.", nameof(channels));
            }

            if (!_channels.TryAdd(channel.Name, channel))
            {
                throw new ArgumentException($"Two notification channels are named '{channel.Name}'; names must be unique.", nameof(channels));
            }
        }

        _outbox = outbox;
        _clock = clock;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _fanOut = new NotificationFanOut(partners, list, options, _logger);
        _backoff = new ExponentialBackoff(options.InitialRetryDelay, options.MaxRetryDelay, options.JitterSeed);
        _metrics = new NotificationMetrics(meterFactory);
        var host = options.WorkerId ?? $"{Environment.MachineName}:{Environment.ProcessId}";
        WorkerId = $"{host}#{Interlocked.Increment(ref s_instances)}";
    }

    /// <summary>This dispatcher's lease owner id: the configured worker id plus an instance number.</summary>
    public string WorkerId { get; }

    /// <summary>The channels, by name.</summary>
    public IReadOnlyCollection<INotificationChannel> Channels => _channels.Values;

    /// <summary>The retry schedule in use.</summary>
    public ExponentialBackoff Backoff => _backoff;

    /// <summary>The meter the instruments live on (for listeners and tests).</summary>
    internal Meter Meter => _metrics.Meter;

    /// <summary>
    /// Processes everything due now: claims a batch, fans events out, delivers notifications, and
    /// repeats (notifications created by the fan-out are due at once) until a claim brings nothing
    /// new. Runs of one dispatcher do not overlap (a second call waits); run several dispatchers
    /// for parallelism across processes.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; unfinished messages stay leased and are redelivered after the lease.</exception>
    public async Task<DispatchSummary> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var counts = new Counts();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentDeliveries, CancellationToken = cancellationToken };
            while (true)
            {
                var claim = new DueWorkClaim(_clock.GetCurrentInstant(), _options.BatchSize, WorkerId, _options.LeaseDuration);
                var claimed = await _outbox.ClaimAsync(claim, cancellationToken).ConfigureAwait(false);
                var fresh = claimed.Where(m => seen.Add(m.Id)).ToList();
                if (fresh.Count == 0)
                {
                    return counts.ToSummary() with { Purged = await PurgeExpiredAsync(cancellationToken).ConfigureAwait(false) };
                }

                Interlocked.Add(ref counts.Claimed, fresh.Count);
                await Parallel.ForEachAsync(fresh, parallel, (message, token) => new ValueTask(ProcessAsync(message, counts, token))).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Dead letters of a tenant (all when null), oldest first. Nothing is ever purged by the dispatcher.</summary>
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) =>
        _outbox.ListDeadLettersAsync(tenant, cancellationToken);

    /// <summary>Puts a dead letter back into the outbox, due now with its attempts reset. False when there is no such dead letter.</summary>
    public async Task<bool> RequeueDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        var requeued = await _outbox.RequeueDeadLetterAsync(messageId, _clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        if (requeued)
        {
            NotificationLog.Requeued(_logger, messageId);
        }

        return requeued;
    }

    /// <summary>Re-queues every dead letter that <paramref name="predicate"/> selects (e.g. one channel's, after fixing its configuration). Returns how many.</summary>
    public async Task<int> RequeueDeadLettersAsync(Func<DeadLetter, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var count = 0;
        foreach (var dead in await _outbox.ListDeadLettersAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (predicate(dead) && await RequeueDeadLetterAsync(dead.Message.Id, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        _gate.Dispose();
    }

    private async Task ProcessAsync(OutboxMessage message, Counts counts, CancellationToken cancellationToken)
    {
        try
        {
            if (message.Topic == OutboxMessage.DomainEventTopic)
            {
                await FanOutAsync(message, counts, cancellationToken).ConfigureAwait(false);
            }
            else if (_channels.TryGetValue(message.Topic, out var channel))
            {
                await DeliverAsync(channel, message, counts, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await DeadLetterAsync(message, $"No notification channel named '{message.Topic}' is registered with this dispatcher.", "no-channel", counts, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // One message's store failure must not stop the others; the lease brings it back.
        catch (Exception e)
#pragma warning restore CA1031
        {
            NotificationLog.ProcessingFailed(_logger, e, message.Id, message.Topic);
            Interlocked.Increment(ref counts.Failed);
        }
    }

    private async Task FanOutAsync(OutboxMessage message, Counts counts, CancellationToken cancellationToken)
    {
        List<OutboxMessage> notifications;
        try
        {
            notifications = await _fanOut.FanOutAsync(message, _clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await DeadLetterAsync(message, $"Unreadable domain event: {e.Message}", "unreadable", counts, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await FailTransientAsync(message, DeliveryResult.Transient($"Fan-out failed: {e.GetType().Name}: {e.Message}"), counts, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await _outbox.CompleteAsync(message.Id, WorkerId, _clock.GetCurrentInstant(), notifications, cancellationToken).ConfigureAwait(false))
        {
            LeaseLost(message, counts);
            return;
        }

        Interlocked.Increment(ref counts.EventsFannedOut);
        Interlocked.Add(ref counts.NotificationsCreated, notifications.Count);
        foreach (var group in notifications.GroupBy(n => n.Topic, StringComparer.Ordinal))
        {
            _metrics.Created(group.Key, group.Count());
        }

        NotificationLog.FannedOut(_logger, message.Id, message.Type, notifications.Count);
    }

    private async Task DeliverAsync(INotificationChannel channel, OutboxMessage message, Counts counts, CancellationToken cancellationToken)
    {
        Notification notification;
        try
        {
            notification = NotificationSerializer.Deserialize(message.Payload);
        }
        catch (JsonException e)
        {
            await DeadLetterAsync(message, $"Unreadable notification: {e.Message}", "unreadable", counts, cancellationToken).ConfigureAwait(false);
            return;
        }

        DeliveryResult result;
        try
        {
            result = await channel.DeliverAsync(notification, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = DeliveryResult.Transient($"{e.GetType().Name}: {e.Message}");
        }

        switch (result.Outcome)
        {
            case DeliveryOutcome.Delivered:
                var now = _clock.GetCurrentInstant();
                if (!await _outbox.CompleteAsync(message.Id, WorkerId, now, null, cancellationToken).ConfigureAwait(false))
                {
                    LeaseLost(message, counts);
                    return;
                }

                Interlocked.Increment(ref counts.Delivered);
                _metrics.Sent(channel.Name, notification.EventType, now - notification.EventOccurredAt);
                NotificationLog.Delivered(_logger, notification.Id, notification.EventId, channel.Name, message.Attempts + 1);
                break;
            case DeliveryOutcome.PermanentFailure:
                await DeadLetterAsync(message, result.Error!, "permanent", counts, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await FailTransientAsync(message, result, counts, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task FailTransientAsync(OutboxMessage message, DeliveryResult result, Counts counts, CancellationToken cancellationToken)
    {
        var attempt = message.Attempts + 1;
        if (attempt >= _options.MaxAttempts)
        {
            await DeadLetterAsync(message, $"Gave up after {attempt} attempt(s); last error: {result.Error}", "exhausted", counts, cancellationToken).ConfigureAwait(false);
            return;
        }

        var delay = _backoff.DelayFor(message.Id, attempt);
        if (result.RetryAfter is { } retryAfter && retryAfter > delay)
        {
            delay = retryAfter;
        }

        var next = _clock.GetCurrentInstant() + delay;
        if (!await _outbox.RetryLaterAsync(message.Id, WorkerId, next, result.Error!, cancellationToken).ConfigureAwait(false))
        {
            LeaseLost(message, counts);
            return;
        }

        Interlocked.Increment(ref counts.Retried);
        _metrics.Retried(message.Topic);
        NotificationLog.RetryScheduled(_logger, message.Id, message.Topic, attempt, next, result.Error!);
    }

    private async Task DeadLetterAsync(OutboxMessage message, string reason, string kind, Counts counts, CancellationToken cancellationToken)
    {
        if (!await _outbox.DeadLetterAsync(message.Id, WorkerId, reason, _clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false))
        {
            LeaseLost(message, counts);
            return;
        }

        Interlocked.Increment(ref counts.DeadLettered);
        _metrics.DeadLettered(message.Topic, kind);
        NotificationLog.DeadLettered(_logger, message.Id, message.Topic, message.Attempts + 1, reason);
    }

    private void LeaseLost(OutboxMessage message, Counts counts)
    {
        Interlocked.Increment(ref counts.LeasesLost);
        NotificationLog.LeaseLost(_logger, message.Id, WorkerId);
    }

    private sealed class Counts
    {
#pragma warning disable SA1401, CA1051 // Fields so Interlocked can update them.
        public int Claimed;
        public int EventsFannedOut;
        public int NotificationsCreated;
        public int Delivered;
        public int Retried;
        public int DeadLettered;
        public int LeasesLost;
        public int Failed;
#pragma warning restore SA1401, CA1051

        public DispatchSummary ToSummary() =>
            new(Claimed, EventsFannedOut, NotificationsCreated, Delivered, Retried, DeadLettered, LeasesLost, Failed);
    }
}
