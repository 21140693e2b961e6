using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Persistence.InMemory;
using static Opportunity.Core.Tests.Notifications.NotificationTestKit;

namespace Opportunity.Core.Tests.Notifications;

/// <summary>Notification ids (webhook-id, SMTP Message-ID) are unique across tenants and stable across retries and upgrades.</summary>
public sealed class NotificationTenantIdsTests
{
    private static readonly TenantId Globex = new("globex");
    private static readonly NotificationRecipient Host = new("https://hooks.example/in", NotificationAudience.Host);

    [Fact]
    public async Task DispatchDueAsync_SameLeadIdInTwoTenants_DeliversBothUnderDistinctIds()
    {
        var store = new InMemoryStore();
        await store.UpsertAsync(Partner());
        await store.UpsertAsync(Partner() with { Tenant = Globex });
        foreach (var tenant in new[] { Tenant, Globex })
        {
            var lead = Lead.Capture(tenant, new LeadId("L-1"), new LeadDetails { Source = "web" }, "system", Clock());
            await store.AddAsync(lead);
        }

        var hooks = new RecordingChannel("hooks", [Host]);
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [hooks]);

        await dispatcher.DispatchDueAsync();

        var delivered = hooks.Delivered.OrderBy(n => n.EventId, StringComparer.Ordinal).ToList();
        Assert.Equal(["Lead/L-1/1@acme", "Lead/L-1/1@globex"], delivered.Select(n => n.EventId));
        Assert.Equal([Tenant, Globex], delivered.Select(n => n.Tenant));
        Assert.NotEqual(delivered[0].Id, delivered[1].Id);
    }

    [Fact]
    public void For_EventIdStoredBy010_GivesTheIdItGaveBefore()
    {
        // The id is derived from the stored event id, so a 0.1.0 event fanned out again after the
        // upgrade keeps its notification ids (and the outbox still ignores them as duplicates).
        var again = NotificationId.For("Lead/L-1/1", "hooks", NotificationAudience.Host, Host.Address);
        var tenantScoped = NotificationId.For("Lead/L-1/1@acme", "hooks", NotificationAudience.Host, Host.Address);

        // SHA-256 over "Lead/L-1/1␟hooks␟Host␟https://hooks.example/in", as 0.1.0 computed it.
        Assert.Equal("msg_gxylro6ccuz2ovsebe537vby7ji43bp5", again);
        Assert.NotEqual(again, tenantScoped);
    }
}
