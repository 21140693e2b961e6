using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>A save writes the aggregate's pending events to the outbox with their stable ids and deserialisable payloads.</summary>
    [ConformanceFact]
    public async Task Outbox_Save_WritesPendingEventsWithStableIds()
    {
        var lead = AssignedLead(TenantA, "lead-1", P1, Clock);
        await Store.Leads.AddAsync(lead);
        lead.Accept(P1, Clock);
        await Store.Leads.UpdateAsync(lead);

        var pending = await Store.Outbox.ListPendingAsync();

        Assert.Equal(["Lead/lead-1/1@tenant-a", "Lead/lead-1/2@tenant-a", "Lead/lead-1/3@tenant-a", "Lead/lead-1/4@tenant-a"], pending.Select(m => m.Id));
        Assert.Equal(["LeadCaptured", "LeadQualified", "LeadAssigned", "LeadAccepted"], pending.Select(m => m.Type));
        Assert.All(pending, m => Assert.Equal(OutboxMessage.DomainEventTopic, m.Topic));
        Assert.All(pending, m => Assert.Equal(TenantA, m.Tenant));
        var accepted = Assert.IsType<LeadAccepted>(DomainEventSerializer.Deserialize(pending[3].Type, pending[3].Payload));
        Assert.Equal(P1, accepted.Partner);
    }

    /// <summary>An id enqueued again (while pending, after delivery, or while dead) is ignored: the first message stands.</summary>
    [ConformanceFact]
    public async Task Outbox_EnqueueSameIdAgain_IsIgnoredInEveryState()
    {
        var now = Clock.GetCurrentInstant();
        await Store.Outbox.EnqueueAsync([Message("m-1", TenantA, now), Message("m-2", TenantA, now), Message("m-3", TenantA, now)]);
        await Store.Outbox.EnqueueAsync([Message("m-1", TenantA, now) with { Payload = "changed" }]);
        var claimed = await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 10, "host-1", Duration.FromMinutes(5)));
        Assert.True(await Store.Outbox.CompleteAsync("m-2", "host-1", now));
        Assert.True(await Store.Outbox.DeadLetterAsync("m-3", "host-1", "550 mailbox unavailable", now));

        await Store.Outbox.EnqueueAsync([Message("m-1", TenantA, now) with { Type = "X" }, Message("m-2", TenantA, now), Message("m-3", TenantA, now)]);

        Assert.Equal(3, claimed.Count);
        var pending = Assert.Single(await Store.Outbox.ListPendingAsync());
        Assert.Equal(Doc(Message("m-1", TenantA, now)), Doc(pending));
        Assert.Equal("m-3", Assert.Single(await Store.Outbox.ListDeadLettersAsync()).Message.Id);
    }

    /// <summary>Claims return due messages oldest first (due time, then insertion order), skip live leases of others, and let an expired lease be taken over.</summary>
    [ConformanceFact]
    public async Task Outbox_Claim_OrdersByDueTimeAndRespectsLeases()
    {
        var t0 = Clock.GetCurrentInstant();
        await Store.Outbox.EnqueueAsync([
            Message("late", TenantA, t0 + Duration.FromMinutes(10)),
            Message("b", TenantB, t0),
            Message("a", TenantA, t0),
            Message("future", TenantA, t0 + Duration.FromHours(1)),
        ]);
        var lease = Duration.FromMinutes(5);

        var first = await Store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(10), 2, "host-1", lease));
        var second = await Store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(10), 10, "host-2", lease));
        var none = await Store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(14), 10, "host-3", lease));
        var takenOver = await Store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(15), 10, "host-2", lease));

        Assert.Equal(["b", "a"], first.Select(m => m.Id));
        Assert.Equal(["late"], second.Select(m => m.Id));
        Assert.Empty(none);
        Assert.Equal(["b", "a", "late"], takenOver.Select(m => m.Id));
        Assert.False(await Store.Outbox.CompleteAsync("a", "host-1", t0), "host-1 lost its lease to host-2");
        Assert.True(await Store.Outbox.CompleteAsync("a", "host-2", t0));
        Assert.False(await Store.Outbox.CompleteAsync("a", "host-2", t0), "a delivered message cannot be completed twice");
    }

    /// <summary>Completing a message and enqueuing its follow-ups is one step; only the lease holder may complete.</summary>
    [ConformanceFact]
    public async Task Outbox_CompleteWithFollowUps_EnqueuesThemAtomically()
    {
        var now = Clock.GetCurrentInstant();
        await Store.Outbox.EnqueueAsync([Message("event-1", TenantA, now, OutboxMessage.DomainEventTopic)]);
        await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 1, "host-1", Duration.FromMinutes(5)));

        Assert.False(await Store.Outbox.CompleteAsync("event-1", "host-2", now, [Message("mail-1", TenantA, now)]));
        Assert.Equal(["event-1"], (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
        Assert.True(await Store.Outbox.CompleteAsync("event-1", "host-1", now, [Message("mail-1", TenantA, now), Message("hook-1", TenantA, now, "webhook")]));

        Assert.Equal(["mail-1", "hook-1"], (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
    }

    /// <summary>A retry counts the attempt, records the error, drops the lease and hides the message until its next attempt.</summary>
    [ConformanceFact]
    public async Task Outbox_RetryLater_CountsAttemptAndDelaysNextClaim()
    {
        var now = Clock.GetCurrentInstant();
        await Store.Outbox.EnqueueAsync([Message("m-1", TenantA, now), Message("m-2", TenantA, now)]);
        await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 10, "host-1", Duration.FromHours(1)));

        Assert.True(await Store.Outbox.RetryLaterAsync("m-1", "host-1", now + Duration.FromMinutes(30), "421 try later"));
        Assert.False(await Store.Outbox.RetryLaterAsync("m-2", "host-2", now + Duration.FromMinutes(30), "not mine"));

        Assert.Empty(await Store.Outbox.ClaimAsync(new DueWorkClaim(now + Duration.FromMinutes(29), 10, "host-2", Duration.FromHours(1))));
        var retried = Assert.Single(await Store.Outbox.ClaimAsync(new DueWorkClaim(now + Duration.FromMinutes(30), 10, "host-2", Duration.FromHours(1))));
        Assert.Equal("m-1", retried.Id);
        Assert.Equal(1, retried.Attempts);
        Assert.Equal("421 try later", retried.LastError);
        Assert.Equal(now + Duration.FromMinutes(30), retried.NextAttemptAt);
    }

    /// <summary>Dead letters are kept (per tenant, oldest first) until re-queued on purpose; a re-queued message is due again with attempts reset.</summary>
    [ConformanceFact]
    public async Task Outbox_DeadLetters_AreKeptListedByTenantAndRequeued()
    {
        var now = Clock.GetCurrentInstant();
        await Store.Outbox.EnqueueAsync([Message("a-1", TenantA, now), Message("b-1", TenantB, now), Message("a-2", TenantA, now)]);
        await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 10, "host-1", Duration.FromHours(1)));
        Assert.True(await Store.Outbox.DeadLetterAsync("a-2", "host-1", "550 no such user", now + Duration.FromMinutes(1)));
        Assert.True(await Store.Outbox.DeadLetterAsync("b-1", "host-1", "410 gone", now + Duration.FromMinutes(2)));
        Assert.True(await Store.Outbox.DeadLetterAsync("a-1", "host-1", "550 no such user", now + Duration.FromMinutes(3)));
        Assert.False(await Store.Outbox.DeadLetterAsync("a-1", "host-1", "again", now));

        Assert.Equal(["a-2", "b-1", "a-1"], (await Store.Outbox.ListDeadLettersAsync()).Select(d => d.Message.Id));
        var ofA = await Store.Outbox.ListDeadLettersAsync(TenantA);
        Assert.Equal(["a-2", "a-1"], ofA.Select(d => d.Message.Id));
        Assert.Equal("550 no such user", ofA[0].Reason);
        Assert.Equal(1, ofA[0].Message.Attempts);
        Assert.Equal(now + Duration.FromMinutes(1), ofA[0].DeadLetteredAt);
        Assert.Empty(await Store.Outbox.ListPendingAsync());

        var later = now + Duration.FromDays(3);
        Assert.True(await Store.Outbox.RequeueDeadLetterAsync("a-2", later));
        Assert.False(await Store.Outbox.RequeueDeadLetterAsync("a-2", later));
        Assert.Equal(["b-1", "a-1"], (await Store.Outbox.ListDeadLettersAsync()).Select(d => d.Message.Id));
        Assert.Empty(await Store.Outbox.ClaimAsync(new DueWorkClaim(later - Duration.FromTicks(1), 10, "host-2", Duration.FromHours(1))));
        var requeued = Assert.Single(await Store.Outbox.ClaimAsync(new DueWorkClaim(later, 10, "host-2", Duration.FromHours(1))));
        Assert.Equal(0, requeued.Attempts);
    }

    /// <summary>
    /// A write aborted at any point — the version check, or each fault point the adapter declares
    /// between writing the state and committing — loses nothing and publishes nothing: the stored
    /// aggregate, the outbox and the caller's aggregate are as before, and a retry then commits both.
    /// </summary>
    [ConformanceFact]
    public async Task Outbox_WriteAbortedAtEachPoint_ChangesNothingAndPublishesNothing()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        var lead = NewLead(TenantA, "lead-1", Clock);
        await Store.Leads.AddAsync(lead);
        var stale = (await Store.Leads.FindAsync(scope, lead.Id))!;
        lead.Qualify(LeadQualification.Full, "alice", Clock);
        await Store.Leads.UpdateAsync(lead);

        // The version check: a stale write's events never reach the outbox.
        stale.Disqualify("duplicate", "bob", Clock);
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.Leads.UpdateAsync(stale));
        Assert.Equal(["Lead/lead-1/1@tenant-a", "Lead/lead-1/2@tenant-a"], (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));

        var before = Doc((await Store.Leads.FindAsync(scope, lead.Id))!);
        lead.Assign(P1, Clock.GetCurrentInstant() + Duration.FromDays(1), "router", Clock);
        foreach (var point in Store.FaultPoints)
        {
            Store.ArmFault!(point);
            var fault = await Assert.ThrowsAsync<InjectedFaultException>(() => Store.Leads.UpdateAsync(lead));
            Store.ArmFault(null);

            Assert.Equal(point, fault.Point);
            Assert.Equal(2, lead.Version);
            Assert.Single(lead.PendingEvents);
            Assert.Equal(before, Doc((await Store.Leads.FindAsync(scope, lead.Id))!));
            Assert.Equal(2, (await Store.Outbox.ListPendingAsync()).Count);

            var fresh = NewLead(TenantA, $"new-{point}", Clock);
            Store.ArmFault(point);
            await Assert.ThrowsAsync<InjectedFaultException>(() => Store.Leads.AddAsync(fresh));
            Store.ArmFault(null);
            Assert.Null(await Store.Leads.FindAsync(scope, fresh.Id));
            Assert.Equal(2, (await Store.Outbox.ListPendingAsync()).Count);
        }

        await Store.Leads.UpdateAsync(lead);
        Assert.Equal(3, (await Store.Leads.FindAsync(scope, lead.Id))!.Version);
        Assert.Equal(["Lead/lead-1/1@tenant-a", "Lead/lead-1/2@tenant-a", "Lead/lead-1/3@tenant-a"], (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
    }
}
