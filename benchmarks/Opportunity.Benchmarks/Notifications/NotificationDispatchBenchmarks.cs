using BenchmarkDotNet.Attributes;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Benchmarks.Notifications;

/// <summary>
/// One dispatch run over 1,000 LeadAssigned events in the in-memory outbox: fan-out (partner
/// lookup, template rendering, deterministic ids) and delivery to two no-op channels (one e-mail
/// recipient and one webhook endpoint per event, so 2,000 notifications).
/// </summary>
[MemoryDiagnoser]
public class NotificationDispatchBenchmarks
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly Instant Start = Instant.FromUtc(2025, 3, 3, 9, 0);
    private InMemoryStore _store = null!;
    private NotificationDispatcher _dispatcher = null!;

    [Params(1)]
    public int MaxConcurrentDeliveries { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _store = new InMemoryStore();
        _store.UpsertAsync(new Partner(Tenant, new PartnerId("p-1"), "Müller & Söhne", PartnerTier.Gold) { ContactEmail = "sales@mueller.example" }).GetAwaiter().GetResult();
        _store.EnqueueAsync(Enumerable.Range(1, 1000).Select(i =>
        {
            var e = new LeadAssigned(new PartnerId("p-1"), Start + Duration.FromHours(8)) { Tenant = Tenant, AggregateKind = "Lead", AggregateId = $"L-{i}", Sequence = 1, OccurredAt = Start, Actor = "router" };
            return new OutboxMessage(e.EventId, Tenant, OutboxMessage.DomainEventTopic, e.EventType, DomainEventSerializer.Serialize(e), Start);
        })).GetAwaiter().GetResult();
        _dispatcher = new NotificationDispatcher(_store, _store, [new NullChannel("mail", null), new NullChannel("hooks", new NotificationRecipient("crm", NotificationAudience.Host))],
            new NotificationDispatcherOptions { WorkerId = "bench", MaxConcurrentDeliveries = MaxConcurrentDeliveries, BatchSize = 500 }, new FakeClock(Start));
    }

    [IterationCleanup]
    public void Cleanup() => _dispatcher.Dispose();

    [Benchmark]
    public int DispatchThousandEvents() => _dispatcher.DispatchDueAsync().GetAwaiter().GetResult().Delivered;

    private sealed class NullChannel(string name, NotificationRecipient? host) : INotificationChannel
    {
        public string Name { get; } = name;

        public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(host is null ? request.People : (IReadOnlyList<NotificationRecipient>)[host]);

        public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default) => Task.FromResult(DeliveryResult.Delivered);
    }
}
