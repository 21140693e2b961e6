using System.Diagnostics.Metrics;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Persistence;

namespace Opportunity.Notifications;

/// <summary>
/// The dispatcher's instruments on the meter <see cref="OpportunityTelemetry.MeterName"/>: deliveries
/// by outcome and the outbox gauges. Without DI's factory the dispatcher owns its meter (and
/// disposes it, with the gauges' callbacks into the store).
/// </summary>
internal sealed class NotificationMetrics : IDisposable
{
    private readonly bool _ownsMeter;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _fannedOut;
    private readonly Histogram<double> _latency;

    public NotificationMetrics(IMeterFactory? meterFactory, IOutboxStore outbox, IClock clock)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(new MeterOptions(OpportunityTelemetry.MeterName)) ?? new Meter(OpportunityTelemetry.MeterName);
        _sent = Meter.CreateCounter<long>("opportunity.notifications.sent", "{notification}", "Notifications delivered (accepted by the receiver).");
        _retried = Meter.CreateCounter<long>("opportunity.notifications.retried", "{notification}", "Delivery attempts that failed transiently and were scheduled again.");
        _deadLettered = Meter.CreateCounter<long>("opportunity.notifications.dead_lettered", "{message}", "Outbox messages moved to the dead-letter store.");
        _fannedOut = Meter.CreateCounter<long>("opportunity.notifications.created", "{notification}", "Notifications created from domain events.");
        _latency = Meter.CreateHistogram<double>("opportunity.notifications.delivery_latency", "s", "Time from the domain event to the notification's successful delivery.");

        // Read at each collection (one aggregate query; the collector's thread has no synchronization context to deadlock on).
        Meter.CreateObservableGauge("opportunity.outbox.pending", () => Backlog(outbox).Pending, "{message}", "Outbox messages neither delivered nor dead-lettered.");
        Meter.CreateObservableGauge("opportunity.outbox.oldest_pending_age", () => Backlog(outbox).OldestAge(clock.GetCurrentInstant()).TotalSeconds, "s", "How long the oldest pending outbox message has waited.");
    }

    public Meter Meter { get; }

    private static OutboxBacklog Backlog(IOutboxStore outbox) => outbox.GetBacklogAsync(CancellationToken.None).GetAwaiter().GetResult();

    public void Sent(string channel, string eventType, Duration latency)
    {
        var tags = new KeyValuePair<string, object?>[] { new("channel", channel), new("event_type", eventType) };
        _sent.Add(1, tags);
        _latency.Record(Math.Max(0, latency.TotalSeconds), tags);
    }

    public void Retried(string channel) => _retried.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void DeadLettered(string channel, string reason) =>
        _deadLettered.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("reason", reason));

    public void Created(string channel, int count) => _fannedOut.Add(count, new KeyValuePair<string, object?>("channel", channel));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
