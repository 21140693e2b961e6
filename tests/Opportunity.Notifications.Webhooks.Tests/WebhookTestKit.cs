using System.Net;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Notifications.Webhooks.Tests;

internal static class WebhookTestKit
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string OldSecret = "whsec_c2VjcmV0LW9sZC1zZWNyZXQtb2xkLXNlY3JldC1vbGQ=";
    public static readonly TenantId Tenant = new("acme");
    public static readonly Instant Start = Instant.FromUtc(2025, 3, 3, 9, 0);

    public static FakeClock Clock() => new(Start);

    public static OutboxMessage Assigned(string leadId = "L-1")
    {
        var e = new LeadAssigned(new PartnerId("p-1"), Start + Duration.FromHours(8))
        {
            Tenant = Tenant,
            AggregateKind = "Lead",
            AggregateId = leadId,
            Sequence = 3,
            OccurredAt = Start,
            Actor = "router",
        };
        return new OutboxMessage(e.EventId, Tenant, OutboxMessage.DomainEventTopic, e.EventType, DomainEventSerializer.Serialize(e), e.OccurredAt);
    }

    public static WebhookNotificationChannel Channel(IClock clock, Action<WebhookNotificationOptions> configure, IWebhookHostResolver? resolver = null, IWebhookEndpointStatus? status = null)
    {
        var options = new WebhookNotificationOptions { Timeout = Duration.FromSeconds(10) };
        configure(options);
        return new WebhookNotificationChannel(options, clock, status, resolver);
    }

    /// <summary>An outbox with events, a webhook channel to one endpoint allow-listed on loopback, and a dispatcher.</summary>
    public static async Task<Pipeline> PipelineAsync(FakeClock clock, Uri url, Action<WebhookNotificationOptions>? configure = null, params OutboxMessage[] events)
    {
        var store = new InMemoryStore();
        await store.EnqueueAsync(events.Length == 0 ? [Assigned()] : events);
        var status = new InMemoryWebhookEndpointStatus();
        var channel = Channel(clock, o =>
        {
            o.AddEndpoint("crm", url, Secret);
            o.AllowedNetworks.Add("127.0.0.1");
            configure?.Invoke(o);
        }, status: status);
        var dispatcher = new NotificationDispatcher(store, store, [channel], new NotificationDispatcherOptions { WorkerId = "test" }, clock);
        return new Pipeline(store, channel, dispatcher, status);
    }

    public static Notification Notification(string endpoint, string id = "msg_test") =>
        new(id, Tenant, "webhook", "Lead/L-1/3", "LeadAssigned", Start, new NotificationRecipient(endpoint, NotificationAudience.Host), null, "{\"partner\":\"p-1\"}");
}

internal sealed record Pipeline(InMemoryStore Store, WebhookNotificationChannel Channel, NotificationDispatcher Dispatcher, InMemoryWebhookEndpointStatus Status) : IDisposable
{
    public void Dispose()
    {
        Channel.Dispose();
        Dispatcher.Dispose();
    }
}

/// <summary>A resolver with fixed answers, standing in for DNS (e.g. a public name that answers 127.0.0.1).</summary>
internal sealed class FixedResolver(Dictionary<string, IPAddress[]> answers) : IWebhookHostResolver
{
    public List<string> Asked { get; } = [];

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        lock (Asked)
        {
            Asked.Add(host);
        }

        return Task.FromResult(answers.TryGetValue(host, out var a) ? a : []);
    }
}
