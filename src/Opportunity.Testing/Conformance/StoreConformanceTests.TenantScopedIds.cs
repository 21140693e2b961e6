using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>Event ids carry the tenant, so two tenants using the same aggregate id never lose each other's events.</summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>The same lead id captured and qualified in two tenants: the outbox holds both tenants' events, under distinct ids.</summary>
    [ConformanceFact]
    public async Task TenantScopedIds_SameLeadIdInTwoTenants_OutboxKeepsBothTenantsEvents()
    {
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            var lead = NewLead(tenant, "L-1", Clock);
            await Store.Leads.AddAsync(lead);
            lead.Qualify(LeadQualification.Full, "alice", Clock);
            await Store.Leads.UpdateAsync(lead);
        }

        var pending = await Store.Outbox.ListPendingAsync();

        Assert.Equal(4, pending.Count);
        Assert.Equal(4, pending.Select(m => m.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["LeadCaptured", "LeadQualified"], pending.Where(m => m.Tenant == TenantA).Select(m => m.Type));
        Assert.Equal(["LeadCaptured", "LeadQualified"], pending.Where(m => m.Tenant == TenantB).Select(m => m.Type));
        Assert.Equal(["Lead/L-1/1@tenant-b", "Lead/L-1/2@tenant-b"], pending.Where(m => m.Tenant == TenantB).Select(m => m.Id));
    }

    /// <summary>
    /// An outbox that 0.1.0 filled (ids <c>Lead/{id}/{seq}</c> without the tenant) still ignores a
    /// delivered id enqueued again, and the same lead's events under the new ids are not mistaken
    /// for those delivered ones.
    /// </summary>
    [ConformanceFact]
    public async Task TenantScopedIds_IdsStoredBy010_StillDeduplicateAndDoNotSwallowNewEvents()
    {
        var now = Clock.GetCurrentInstant();
        var old = new OutboxMessage("Lead/L-1/1", TenantA, OutboxMessage.DomainEventTopic, "LeadCaptured", "{}", now);
        await Store.Outbox.EnqueueAsync([old]);
        Assert.Single(await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 10, "host-1", Duration.FromMinutes(5))));
        Assert.True(await Store.Outbox.CompleteAsync(old.Id, "host-1", now));

        await Store.Outbox.EnqueueAsync([old]);
        var lead = NewLead(TenantA, "L-1", Clock);
        await Store.Leads.AddAsync(lead);

        Assert.Equal(["Lead/L-1/1@tenant-a"], (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
    }
}
