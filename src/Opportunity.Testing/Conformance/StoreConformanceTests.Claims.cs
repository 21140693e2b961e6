using System.Collections.Concurrent;
using NodaTime;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// Due leads of every tenant are claimed oldest due first (then tenant, then id), at most the
    /// batch size; a live lease keeps others off, the holder may claim again, and an expired lease
    /// frees the lead. Leads not yet due or without a due time are never claimed.
    /// </summary>
    [ConformanceFact]
    public async Task ClaimDue_Leads_OldestFirstAcrossTenantsWithLeases()
    {
        var t0 = Clock.GetCurrentInstant();
        await AddLeadDueAt(TenantB, "x", t0 + Duration.FromMinutes(5));
        await AddLeadDueAt(TenantA, "y", t0 + Duration.FromMinutes(5));
        await AddLeadDueAt(TenantA, "z", t0 + Duration.FromMinutes(1));
        await AddLeadDueAt(TenantA, "future", t0 + Duration.FromHours(2));
        await AddLeadDueAt(TenantA, "never", null);
        var now = t0 + Duration.FromMinutes(10);
        var lease = Duration.FromMinutes(30);

        var first = await Store.Leads.ClaimDueAsync(new DueWorkClaim(now, 2, "host-1", lease));
        var second = await Store.Leads.ClaimDueAsync(new DueWorkClaim(now, 10, "host-2", lease));
        var third = await Store.Leads.ClaimDueAsync(new DueWorkClaim(now, 10, "host-3", lease));
        var again = await Store.Leads.ClaimDueAsync(new DueWorkClaim(now, 10, "host-1", lease));
        var afterExpiry = await Store.Leads.ClaimDueAsync(new DueWorkClaim(now + lease, 10, "host-3", lease));

        Assert.Equal(["tenant-a/z", "tenant-a/y"], first.Select(l => $"{l.Tenant}/{l.Id}"));
        Assert.Equal(["tenant-b/x"], second.Select(l => $"{l.Tenant}/{l.Id}"));
        Assert.Empty(third);
        Assert.Equal(["tenant-a/z", "tenant-a/y"], again.Select(l => $"{l.Tenant}/{l.Id}"));
        Assert.Equal(["tenant-a/z", "tenant-a/y", "tenant-b/x"], afterExpiry.Select(l => $"{l.Tenant}/{l.Id}"));
        Assert.Equal(Doc((await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("z")))!), Doc(first[0]));
    }

    /// <summary>Due opportunities (follow-ups) are claimed like leads; clearing the due time takes a deal out of the queue.</summary>
    [ConformanceFact]
    public async Task ClaimDue_Opportunities_OldestFirstAndClearedDueTimeLeavesQueue()
    {
        var t0 = Clock.GetCurrentInstant();
        foreach (var (id, minutes) in new[] { ("o-1", 3), ("o-2", 1), ("o-3", 2) })
        {
            var o = NewOpportunity(TenantA, id, P1, Clock);
            o.ScheduleNextDue(t0 + Duration.FromMinutes(minutes));
            await Store.Opportunities.AddAsync(o);
        }

        var claimed = await Store.Opportunities.ClaimDueAsync(new DueWorkClaim(t0 + Duration.FromMinutes(2), 10, "host-1", Duration.FromMinutes(1)));
        Assert.Equal(["o-2", "o-3"], claimed.Select(o => o.Id.Value));

        claimed[0].ScheduleNextDue(null);
        await Store.Opportunities.UpdateAsync(claimed[0]);
        var later = await Store.Opportunities.ClaimDueAsync(new DueWorkClaim(t0 + Duration.FromMinutes(5), 10, "host-2", Duration.FromMinutes(1)));
        Assert.Equal(["o-3", "o-1"], later.Select(o => o.Id.Value));
    }

    /// <summary>
    /// Several hosts, one database: the configured number of processors (default 4; separate
    /// store instances when the adapter can open them) claim due leads, due opportunities and
    /// outbox messages at the same time; every item is handled exactly once and nothing stays due.
    /// </summary>
    [ConformanceFact]
    public async Task ClaimDue_ConcurrentProcessors_HandleEveryItemExactlyOnce()
    {
        const int items = 60;
        var now = Clock.GetCurrentInstant();
        for (var i = 0; i < items; i++)
        {
            var tenant = i % 2 == 0 ? TenantA : TenantB;
            await AddLeadDueAt(tenant, $"lead-{i:D3}", now - Duration.FromMinutes(i % 7));
            var o = NewOpportunity(tenant, $"opp-{i:D3}", P1, Clock);
            o.ScheduleNextDue(now - Duration.FromMinutes(i % 5));
            await Store.Opportunities.AddAsync(o);
        }

        // Deliver the domain events of the setup: this test enqueues its own messages.
        foreach (var m in await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 10_000, "setup", Duration.FromDays(1))))
        {
            Assert.True(await Store.Outbox.CompleteAsync(m.Id, "setup", now));
        }

        await Store.Outbox.EnqueueAsync(Enumerable.Range(0, items).Select(i => Message($"msg-{i:D3}", i % 2 == 0 ? TenantA : TenantB, now - Duration.FromSeconds(i % 3))));
        var handled = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var hosts = await OpenHostsAsync(ConcurrentProcessors);
        try
        {
            await Task.WhenAll(hosts.Select((host, n) => Task.Run(() => ProcessAsync(host, $"host-{n}"))));
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }

        Assert.Equal(3 * items, handled.Count);
        Assert.All(handled, kv => Assert.True(kv.Value == 1, $"{kv.Key} was handled {kv.Value} times."));
        var lease = Duration.FromMinutes(1);
        Assert.Empty(await Store.Leads.ClaimDueAsync(new DueWorkClaim(now + Duration.FromDays(2), 100, "check", lease)));
        Assert.Empty(await Store.Opportunities.ClaimDueAsync(new DueWorkClaim(now + Duration.FromDays(2), 100, "check", lease)));
        Assert.Empty(await Store.Outbox.ListPendingAsync());

        async Task ProcessAsync(StoreUnderTest host, string owner)
        {
            var claim = new DueWorkClaim(now, 7, owner, Duration.FromDays(1));
            while (true)
            {
                var leads = await host.Leads.ClaimDueAsync(claim);
                var opportunities = await host.Opportunities.ClaimDueAsync(claim);
                var messages = await host.Outbox.ClaimAsync(claim);
                if (leads.Count + opportunities.Count + messages.Count == 0)
                {
                    return;
                }

                foreach (var lead in leads)
                {
                    handled.AddOrUpdate($"lead/{lead.Tenant}/{lead.Id}", 1, (_, n) => n + 1);
                    lead.ScheduleNextDue(null);
                    await host.Leads.UpdateAsync(lead);
                }

                foreach (var opportunity in opportunities)
                {
                    handled.AddOrUpdate($"opp/{opportunity.Tenant}/{opportunity.Id}", 1, (_, n) => n + 1);
                    opportunity.ScheduleNextDue(null);
                    await host.Opportunities.UpdateAsync(opportunity);
                }

                foreach (var message in messages)
                {
                    handled.AddOrUpdate($"msg/{message.Id}", 1, (_, n) => n + 1);
                    Assert.True(await host.Outbox.CompleteAsync(message.Id, owner, now));
                }
            }
        }
    }

    private async Task AddLeadDueAt(TenantId tenant, string id, Instant? due)
    {
        var lead = NewLead(tenant, id, Clock);
        lead.ScheduleNextDue(due);
        await Store.Leads.AddAsync(lead);
    }
}
