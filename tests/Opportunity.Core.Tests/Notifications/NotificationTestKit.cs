using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Core.Tests.Notifications;

/// <summary>Shared fixtures: a recording channel, events as outbox messages, a partner, a meter collector.</summary>
internal static class NotificationTestKit
{
    public static readonly TenantId Tenant = new("acme");
    public static readonly PartnerId P1 = new("p-1");
    public static readonly Instant Start = Instant.FromUtc(2025, 3, 3, 9, 0);

    public static Partner Partner(params string[] languages) => new(Tenant, P1, "Müller & Söhne", PartnerTier.Gold)
    {
        ContactEmail = "sales@mueller.example",
        ChannelManagerEmail = "cm@acme.example",
        Languages = new HashSet<string>(languages, StringComparer.OrdinalIgnoreCase),
    };

    public static TEvent Stamp<TEvent>(TEvent e, string aggregateId = "L-1", long sequence = 1, Instant? at = null)
        where TEvent : DomainEvent =>
        e with { Tenant = Tenant, AggregateKind = "Lead", AggregateId = aggregateId, Sequence = sequence, OccurredAt = at ?? Start, Actor = "system" };

    public static OutboxMessage Message(DomainEvent e) =>
        new(e.EventId, e.Tenant, OutboxMessage.DomainEventTopic, e.EventType, DomainEventSerializer.Serialize(e), e.OccurredAt);

    public static OutboxMessage Assigned(string leadId = "L-1", long sequence = 1, Instant? at = null) =>
        Message(Stamp(new LeadAssigned(P1, Start + Duration.FromHours(8)), leadId, sequence, at));

    public static async Task<InMemoryStore> StoreWith(Partner partner, params OutboxMessage[] messages)
    {
        var store = new InMemoryStore();
        await store.UpsertAsync(partner);
        await store.EnqueueAsync(messages);
        return store;
    }

    public static NotificationDispatcher Dispatcher(IOutboxStore outbox, IPartnerDirectory partners, IClock clock, Action<NotificationDispatcherOptions>? configure = null, IMeterFactory? meters = null, params INotificationChannel[] channels)
    {
        var options = new NotificationDispatcherOptions { WorkerId = "test", MaxConcurrentDeliveries = 2, OperationsEmail = "ops@acme.example" };
        configure?.Invoke(options);
        return new NotificationDispatcher(outbox, partners, channels, options, clock, meterFactory: meters);
    }

    public static FakeClock Clock() => new(Start);
}

/// <summary>A channel that records deliveries and answers with a configurable outcome per attempt.</summary>
internal sealed class RecordingChannel(string name, IReadOnlyList<NotificationRecipient>? hosts = null) : INotificationChannel
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>Decides the outcome from the notification and its 1-based attempt number; default: delivered.</summary>
    public Func<Notification, int, DeliveryResult> Behaviour { get; set; } = (_, _) => DeliveryResult.Delivered;

    public ConcurrentQueue<Notification> Attempts { get; } = new();

    public ConcurrentQueue<Notification> Delivered { get; } = new();

    public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(hosts ?? request.People);

    public async Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        Attempts.Enqueue(notification);
        var result = Behaviour(notification, _attempts.AddOrUpdate(notification.Id, 1, (_, n) => n + 1));
        if (result.Outcome == DeliveryOutcome.Delivered)
        {
            Delivered.Enqueue(notification);
        }

        return result;
    }
}

/// <summary>Collects measurements of one meter instance (so parallel tests do not see each other's).</summary>
internal sealed class MeterCollector : IMeterFactory
{
    private readonly MeterListener _listener = new();
    private readonly List<Meter> _meters = [];

    public MeterCollector()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            lock (_meters)
            {
                if (_meters.Contains(instrument.Meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements { get; } = new();

    public double Sum(string instrument, string? tag = null, object? value = null) =>
        Measurements.Where(m => m.Instrument == instrument && (tag is null || Equals(m.Tags.GetValueOrDefault(tag), value))).Sum(m => m.Value);

    /// <summary>Reads the observable instruments (gauges) now, as an exporter's collection would.</summary>
    public void Collect() => _listener.RecordObservableInstruments();

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, this);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_meters)
        {
            _meters.ForEach(m => m.Dispose());
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        Measurements.Enqueue((instrument.Name, value, dictionary));
    }
}
