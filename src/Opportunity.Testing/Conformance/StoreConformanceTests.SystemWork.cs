using NodaTime;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// The system-wide operations work across tenants even where the store's database role is confined
    /// to one tenant per transaction (PostgreSQL since issue 11, defect 7): due leads, due opportunities
    /// and outbox messages of two tenants are claimed in one call each; messages of both tenants are
    /// completed (with a follow-up of the other tenant), retried and dead-lettered by id; pending and
    /// dead messages of every tenant are listed; a dead letter is requeued by id; an enqueue mixing
    /// tenants keeps its order.
    /// </summary>
    [ConformanceFact]
    public async Task SystemWork_TwoTenants_ClaimsAndOutboxOperationsReachBoth()
    {
        var now = Clock.GetCurrentInstant();
        var lease = Duration.FromMinutes(5);
        await AddLeadDueAt(TenantA, "lead-a", now - Duration.FromMinutes(2));
        await AddLeadDueAt(TenantB, "lead-b", now - Duration.FromMinutes(1));
        foreach (var (tenant, id, minutes) in new[] { (TenantB, "opp-b", 2), (TenantA, "opp-a", 1) })
        {
            var deal = NewOpportunity(tenant, id, P1, Clock);
            deal.ScheduleNextDue(now - Duration.FromMinutes(minutes));
            await Store.Opportunities.AddAsync(deal);
        }

        var pendingBefore = (await Store.Outbox.ListPendingAsync()).Select(m => m.Id).ToHashSet();
        await Store.Outbox.EnqueueAsync([
            Message("sys-a1", TenantA, now), Message("sys-b1", TenantB, now), Message("sys-a2", TenantA, now), Message("sys-b2", TenantB, now),
        ]);

        var leads = await Store.Leads.ClaimDueAsync(new DueWorkClaim(now, 10, "host", lease));
        var deals = await Store.Opportunities.ClaimDueAsync(new DueWorkClaim(now, 10, "host", lease));
        var messages = (await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 100, "host", lease))).Where(m => m.Id.StartsWith("sys-", StringComparison.Ordinal)).ToList();

        Assert.Equal(["tenant-a/lead-a", "tenant-b/lead-b"], leads.Select(l => $"{l.Tenant}/{l.Id}"));
        Assert.Equal(["tenant-b/opp-b", "tenant-a/opp-a"], deals.Select(o => $"{o.Tenant}/{o.Id}"));
        Assert.Equal(["sys-a1", "sys-b1", "sys-a2", "sys-b2"], messages.Select(m => m.Id));

        Assert.True(await Store.Outbox.CompleteAsync("sys-a1", "host", now, [Message("sys-b3", TenantB, now)]));
        Assert.True(await Store.Outbox.RetryLaterAsync("sys-b1", "host", now + Duration.FromMinutes(1), "timeout"));
        Assert.True(await Store.Outbox.DeadLetterAsync("sys-a2", "host", "refused", now));
        Assert.True(await Store.Outbox.DeadLetterAsync("sys-b2", "host", "refused", now));
        Assert.False(await Store.Outbox.CompleteAsync("sys-b2", "host", now));

        var pending = (await Store.Outbox.ListPendingAsync()).Where(m => !pendingBefore.Contains(m.Id)).ToList();
        Assert.Equal(["sys-b1/tenant-b/1", "sys-b3/tenant-b/0"], pending.Select(m => $"{m.Id}/{m.Tenant}/{m.Attempts}").Order(StringComparer.Ordinal));
        Assert.Equal(["sys-a2", "sys-b2"], (await Store.Outbox.ListDeadLettersAsync()).Select(d => d.Message.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["sys-b2"], (await Store.Outbox.ListDeadLettersAsync(TenantB)).Select(d => d.Message.Id));

        Assert.True(await Store.Outbox.RequeueDeadLetterAsync("sys-b2", now));
        Assert.False(await Store.Outbox.RequeueDeadLetterAsync("sys-b2", now));
        Assert.Equal(["sys-a2"], (await Store.Outbox.ListDeadLettersAsync()).Select(d => d.Message.Id));
        Assert.Contains("sys-b2", (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
    }
}
