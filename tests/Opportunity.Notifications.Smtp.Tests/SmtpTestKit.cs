using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Notifications.Smtp.Tests;

internal static class SmtpTestKit
{
    public static readonly TenantId Tenant = new("acme");
    public static readonly PartnerId PartnerId = new("p-1");
    public static readonly Instant Start = Instant.FromUtc(2025, 3, 3, 9, 0);

    public static FakeClock Clock() => new(Start);

    public static Partner Partner() => new(Tenant, PartnerId, "Müller & Söhne", PartnerTier.Gold)
    {
        ContactEmail = "sales@mueller.example",
        ChannelManagerEmail = "cm@acme.example",
        Languages = new HashSet<string>(["de"], StringComparer.OrdinalIgnoreCase),
    };

    public static OutboxMessage Event(DomainEvent e, string leadId = "L-1") => Message(e with
    {
        Tenant = Tenant,
        AggregateKind = "Lead",
        AggregateId = leadId,
        Sequence = 2,
        OccurredAt = Start,
        Actor = "router",
    });

    public static OutboxMessage Assigned(string leadId = "L-1") => Event(new LeadAssigned(PartnerId, Start + Duration.FromHours(8)), leadId);

    public static SmtpNotificationOptions Options(SmtpTestServer server, Action<SmtpNotificationOptions>? configure = null)
    {
        var options = new SmtpNotificationOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            Security = SmtpSecurity.None,
            From = "leads@acme.example",
            FromName = "ACME Partner Desk",
            Timeout = Duration.FromSeconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    public static async Task<(InMemoryStore Store, NotificationDispatcher Dispatcher)> PipelineAsync(IClock clock, INotificationChannel[] channels, params OutboxMessage[] events)
    {
        var store = new InMemoryStore();
        await store.UpsertAsync(Partner());
        await store.EnqueueAsync(events);
        var dispatcher = new NotificationDispatcher(store, store, channels, new NotificationDispatcherOptions { WorkerId = "test", OperationsEmail = "ops@acme.example" }, clock);
        return (store, dispatcher);
    }

    public static Notification Notification(string address = "sales@mueller.example", string id = "msg_abc") =>
        new(id, Tenant, "smtp", "Lead/L-1/2", "LeadAssigned", Start, new NotificationRecipient(address, NotificationAudience.Partner, "en", "Müller & Söhne"),
            new NotificationContent("en", "New lead L-1", "Hello,\n\nplease accept.", "<p>Hello,</p><p>please accept.</p>"), "{}");

    private static OutboxMessage Message(DomainEvent e) =>
        new(e.EventId, e.Tenant, OutboxMessage.DomainEventTopic, e.EventType, DomainEventSerializer.Serialize(e), e.OccurredAt);
}
