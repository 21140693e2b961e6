using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Diagnostics;
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
    /// <summary>How many batches one run may hold at once (waiting and running), e.g. behind a hanging destination.</summary>
    private const int MaxHeldBatches = 4;

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
    /// <exception cref="OptionsValidationException">Invalid options, or a channel whose own delivery limit exceeds <see cref="NotificationDispatcherOptions.DeliveryTimeout"/>.</exception>
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

        var channelFailures = NotificationDispatcherOptionsValidator.ValidateChannels(options, list);
        if (channelFailures.Count > 0)
        {
            throw new OptionsValidationException(string.Empty, typeof(NotificationDispatcherOptions), channelFailures);
        }

        _outbox = outbox;
        _clock = clock;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _fanOut = new NotificationFanOut(partners, list, options, _logger);
        _backoff = new ExponentialBackoff(options.InitialRetryDelay, options.MaxRetryDelay, options.JitterSeed);
        _metrics = new NotificationMetrics(meterFactory, outbox, clock);
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
    /// Processes everything due now: claims due messages, fans events out, delivers
    /// notifications, and keeps claiming (notifications created by the fan-out are due at once)
    /// until a claim brings nothing new and all started work is done. Deliveries run per
    /// destination (a webhook endpoint, a channel), each with its own
    /// <see cref="NotificationDispatcherOptions.MaxConcurrentDeliveries"/> slots and no barrier
    /// between batches, so a hanging destination never delays another. Each message's lease is
    /// renewed when its delivery starts and covers that one delivery, which is cut off after
    /// <see cref="NotificationDispatcherOptions.DeliveryTimeout"/>. Runs of one dispatcher do not
    /// overlap (a second call waits); run several dispatchers for parallelism across processes.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; unfinished messages stay leased and are redelivered after the lease.</exception>
    public async Task<DispatchSummary> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var activity = OpportunityTelemetry.Source.StartActivity("opportunity.outbox.dispatch");
            var summary = await RunAsync(cancellationToken).ConfigureAwait(false);
            summary = summary with { Purged = await PurgeExpiredAsync(cancellationToken).ConfigureAwait(false) };
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("opportunity.outbox.claimed", summary.Claimed);
                activity.SetTag("opportunity.outbox.delivered", summary.Delivered);
                activity.SetTag("opportunity.outbox.retried", summary.Retried);
                activity.SetTag("opportunity.outbox.dead_lettered", summary.DeadLettered);
            }

            return summary;
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

    private async Task<DispatchSummary> RunAsync(CancellationToken cancellationToken)
    {
        var counts = new Counts();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lanes = new DeliveryLanes<WorkItem>(_options.MaxConcurrentDeliveries);
        var running = new List<(Task<bool> Task, string Lane)>(); // completed Task<bool>s are shared objects: keep a list
        var exhausted = false;
        try
        {
            while (true)
            {
                // Claim when half a batch has started or a destination ran out of work — not after
                // every delivery: each claim also re-leases what this dispatcher holds (claims return
                // the owner's own messages), so it asks for held + room. A hanging destination thus
                // holds at most MaxHeldBatches batches; everything else keeps flowing past it.
                var held = lanes.Waiting + lanes.Running;
                var maxHeld = MaxHeldBatches * _options.BatchSize;
                if (!exhausted && held < maxHeld && (lanes.Waiting <= _options.BatchSize / 2 || lanes.AnyHungry))
                {
                    var room = Math.Min(_options.BatchSize, maxHeld - held);
                    var claim = new DueWorkClaim(_clock.GetCurrentInstant(), held + room, WorkerId, _options.LeaseDuration);
                    var fresh = 0;
                    foreach (var message in await _outbox.ClaimAsync(claim, cancellationToken).ConfigureAwait(false))
                    {
                        if (seen.Add(message.Id))
                        {
                            var item = WorkItem.Of(message);
                            lanes.Add(item.Lane, item);
                            fresh++;
                        }
                    }

                    Interlocked.Add(ref counts.Claimed, fresh);
                    exhausted = fresh == 0;
                }

                while (lanes.TryStart(out var lane, out var item))
                {
                    running.Add((ProcessAsync(item, counts, cancellationToken), lane));
                }

                if (running.Count == 0)
                {
                    if (exhausted)
                    {
                        return counts.ToSummary();
                    }

                    continue;
                }

                var done = await Task.WhenAny(running.Select(r => r.Task)).ConfigureAwait(false);
                var index = running.FindIndex(r => ReferenceEquals(r.Task, done));
                lanes.Finished(running[index].Lane);
                running.RemoveAt(index);
                if (await done.ConfigureAwait(false))
                {
                    exhausted = false; // a fan-out enqueued notifications, due now
                }
            }
        }
        finally
        {
            if (running.Count > 0)
            {
                // Cancelled or failed: let the started work end before the run (and its gate) does.
                await Task.WhenAll(running.Select(r => r.Task)).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Processes one message; true when it was an event whose fan-out enqueued notifications.</summary>
    private async Task<bool> ProcessAsync(WorkItem item, Counts counts, CancellationToken cancellationToken)
    {
        var message = item.Message;
        try
        {
            // The lease is taken again now, when the work starts: it has to cover this delivery,
            // not the wait behind others. If it ran out meanwhile and another dispatcher took the
            // message, the renewal fails and the message is left to that dispatcher.
            if (!await _outbox.RenewLeaseAsync(message.Id, WorkerId, _clock.GetCurrentInstant() + _options.LeaseDuration, cancellationToken).ConfigureAwait(false))
            {
                LeaseLost(message, counts);
                return false;
            }

            if (message.Topic == OutboxMessage.DomainEventTopic)
            {
                return await FanOutAsync(message, counts, cancellationToken).ConfigureAwait(false);
            }

            if (!_channels.TryGetValue(message.Topic, out var channel))
            {
                await DeadLetterAsync(message, $"No notification channel named '{message.Topic}' is registered with this dispatcher.", "no-channel", counts, cancellationToken).ConfigureAwait(false);
            }
            else if (item.Notification is null)
            {
                await DeadLetterAsync(message, $"Unreadable notification: {item.Unreadable}", "unreadable", counts, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await DeliverAsync(channel, message, item.Notification, counts, cancellationToken).ConfigureAwait(false);
            }

            return false;
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
            return false;
        }
    }

    /// <summary>
    /// Runs one channel call (a delivery or recipient resolution) for at most
    /// <see cref="NotificationDispatcherOptions.DeliveryTimeout"/>: past it the call is cancelled
    /// and no longer awaited (even if it ignores the token), so the renewed lease still covers it.
    /// </summary>
    private async Task<T> WithinDeliveryTimeoutAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.DeliveryTimeout.ToTimeSpan());
        try
        {
            return await call(deadline.Token).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No outcome within {nameof(NotificationDispatcherOptions.DeliveryTimeout)} ({_options.DeliveryTimeout}).", e);
        }
    }

    private async Task<bool> FanOutAsync(OutboxMessage message, Counts counts, CancellationToken cancellationToken)
    {
        List<OutboxMessage> notifications;
        try
        {
            notifications = await WithinDeliveryTimeoutAsync(token => _fanOut.FanOutAsync(message, _clock.GetCurrentInstant(), token), cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await DeadLetterAsync(message, $"Unreadable domain event: {e.Message}", "unreadable", counts, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await FailTransientAsync(message, DeliveryResult.Transient($"Fan-out failed: {e.GetType().Name}: {e.Message}"), counts, cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (!await _outbox.CompleteAsync(message.Id, WorkerId, _clock.GetCurrentInstant(), notifications, cancellationToken).ConfigureAwait(false))
        {
            LeaseLost(message, counts);
            return false;
        }

        Interlocked.Increment(ref counts.EventsFannedOut);
        Interlocked.Add(ref counts.NotificationsCreated, notifications.Count);
        foreach (var group in notifications.GroupBy(n => n.Topic, StringComparer.Ordinal))
        {
            _metrics.Created(group.Key, group.Count());
        }

        NotificationLog.FannedOut(_logger, message.Id, message.Type, notifications.Count);
        return notifications.Count > 0;
    }

    private async Task DeliverAsync(INotificationChannel channel, OutboxMessage message, Notification notification, Counts counts, CancellationToken cancellationToken)
    {
        DeliveryResult result;
        try
        {
            result = await WithinDeliveryTimeoutAsync(token => channel.DeliverAsync(notification, token), cancellationToken).ConfigureAwait(false);
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

        // A receiver's error text may hold anything (NUL, lone surrogates); every store keeps the free-text rule.
        var error = TextRules.Sanitize(result.Error!);
        if (!await _outbox.RetryLaterAsync(message.Id, WorkerId, next, error, cancellationToken).ConfigureAwait(false))
        {
            LeaseLost(message, counts);
            return;
        }

        Interlocked.Increment(ref counts.Retried);
        _metrics.Retried(message.Topic);
        NotificationLog.RetryScheduled(_logger, message.Id, message.Topic, attempt, next, error);
    }

    private async Task DeadLetterAsync(OutboxMessage message, string reason, string kind, Counts counts, CancellationToken cancellationToken)
    {
        reason = TextRules.Sanitize(reason);
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

    /// <summary>A claimed message with what its lane needs: the notification read once, or why it cannot be.</summary>
    private sealed record WorkItem(OutboxMessage Message, Notification? Notification, string? Unreadable, string Lane)
    {
        public static WorkItem Of(OutboxMessage message)
        {
            if (message.Topic == OutboxMessage.DomainEventTopic)
            {
                return new WorkItem(message, null, null, message.Topic);
            }

            try
            {
                var notification = NotificationSerializer.Deserialize(message.Payload);
                if (notification.Recipient is null)
                {
                    return new WorkItem(message, null, "the notification names no recipient.", message.Topic);
                }

                // A destination is a host endpoint of the channel, or the channel itself for people
                // (one mail server serves every address): that is what hangs or slows down as a whole.
                var lane = notification.Recipient.IsPerson ? message.Topic : $"{message.Topic}\n{notification.Recipient.Address}";
                return new WorkItem(message, notification, null, lane);
            }
            catch (JsonException e)
            {
                return new WorkItem(message, null, e.Message, message.Topic);
            }
        }
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
