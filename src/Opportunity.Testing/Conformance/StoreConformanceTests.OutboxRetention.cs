using NodaTime;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>The purge removes delivered messages delivered before the cut-off, oldest first, at most as many as asked, and returns the count; pending messages (leased or not), dead letters and younger deliveries stay.</summary>
    [ConformanceFact]
    public async Task OutboxPurge_DeliveredBeforeCutoff_RemovesOnlyThoseAndReturnsTheCount()
    {
        var t0 = Clock.GetCurrentInstant();
        var lease = Duration.FromMinutes(5);
        await Store.Outbox.EnqueueAsync([
            Message("old-1", TenantA, t0), Message("old-2", TenantB, t0), Message("old-3", TenantA, t0),
            Message("young", TenantA, t0), Message("dead", TenantA, t0), Message("leased", TenantA, t0),
        ]);
        await Store.Outbox.EnqueueAsync([Message("pending", TenantA, t0 + Duration.FromDays(30))]);
        Assert.Equal(6, (await Store.Outbox.ClaimAsync(new DueWorkClaim(t0, 10, "host-1", lease))).Count);
        Assert.True(await Store.Outbox.CompleteAsync("old-1", "host-1", t0));
        Assert.True(await Store.Outbox.CompleteAsync("old-2", "host-1", t0 + Duration.FromMinutes(1)));
        Assert.True(await Store.Outbox.CompleteAsync("old-3", "host-1", t0 + Duration.FromMinutes(2)));
        Assert.True(await Store.Outbox.CompleteAsync("young", "host-1", t0 + Duration.FromDays(8)));
        Assert.True(await Store.Outbox.DeadLetterAsync("dead", "host-1", "550 mailbox unavailable", t0));
        var cutoff = t0 + Duration.FromDays(7);

        var first = await Store.Outbox.PurgeDeliveredAsync(cutoff, 2);
        var second = await Store.Outbox.PurgeDeliveredAsync(cutoff, 2);
        var third = await Store.Outbox.PurgeDeliveredAsync(cutoff, 2);

        Assert.Equal((2, 1, 0), (first, second, third));
        Assert.Equal(["leased", "pending"], (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
        Assert.Equal("dead", Assert.Single(await Store.Outbox.ListDeadLettersAsync()).Message.Id);
        Assert.True(await Store.Outbox.CompleteAsync("leased", "host-1", t0 + Duration.FromDays(10)), "a purge must not touch a leased pending message");
        Assert.Equal(1, await Store.Outbox.PurgeDeliveredAsync(t0 + Duration.FromDays(8) + Duration.FromSeconds(1), 100)); // "young"
        Assert.Equal(1, await Store.Outbox.PurgeDeliveredAsync(t0 + Duration.FromDays(11), 100)); // "leased"
        Assert.Equal(0, await Store.Outbox.PurgeDeliveredAsync(t0 + Duration.FromDays(365), 100));
        Assert.Equal("dead", Assert.Single(await Store.Outbox.ListDeadLettersAsync()).Message.Id);
        Assert.Equal("pending", Assert.Single(await Store.Outbox.ListPendingAsync()).Id);
    }

    /// <summary>The cut-off is exclusive: a message delivered exactly at it stays.</summary>
    [ConformanceFact]
    public async Task OutboxPurge_DeliveredAtTheCutoff_Stays()
    {
        var t0 = Clock.GetCurrentInstant();
        await Store.Outbox.EnqueueAsync([Message("m-1", TenantA, t0)]);
        await Store.Outbox.ClaimAsync(new DueWorkClaim(t0, 10, "host-1", Duration.FromMinutes(5)));
        Assert.True(await Store.Outbox.CompleteAsync("m-1", "host-1", t0 + Duration.FromDays(1)));

        Assert.Equal(0, await Store.Outbox.PurgeDeliveredAsync(t0 + Duration.FromDays(1), 10));
        Assert.Equal(1, await Store.Outbox.PurgeDeliveredAsync(t0 + Duration.FromDays(1) + Duration.FromMilliseconds(1), 10));
    }

    /// <summary>A purged id is still recognised: enqueued again (directly or as a follow-up of another message's completion), it is ignored and never claimed, while new ids and the same id in another tenant go through.</summary>
    [ConformanceFact]
    public async Task OutboxPurge_PurgedIdEnqueuedAgain_IsNotDeliveredAgain()
    {
        var t0 = Clock.GetCurrentInstant();
        var lease = Duration.FromMinutes(5);
        await Store.Outbox.EnqueueAsync([Message("msg_once", TenantA, t0), Message("event-1", TenantA, t0)]);
        await Store.Outbox.ClaimAsync(new DueWorkClaim(t0, 10, "host-1", lease));
        Assert.True(await Store.Outbox.CompleteAsync("msg_once", "host-1", t0));
        Assert.Equal(1, await Store.Outbox.PurgeDeliveredAsync(t0 + Duration.FromDays(8), 100));

        var later = t0 + Duration.FromDays(9);
        await Store.Outbox.EnqueueAsync([Message("msg_once", TenantA, later), Message("msg_new", TenantA, later)]);
        Assert.True(await Store.Outbox.CompleteAsync("event-1", "host-1", t0, [Message("msg_once", TenantA, later), Message("msg_follow", TenantA, later)]));

        var claimed = await Store.Outbox.ClaimAsync(new DueWorkClaim(later, 10, "host-2", lease));
        Assert.Equal(["msg_new", "msg_follow"], claimed.Select(m => m.Id));
        Assert.DoesNotContain("msg_once", (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
        Assert.Equal(1, await Store.Outbox.PurgeDeliveredAsync(later, 100)); // event-1; msg_once is not stored twice
    }

    /// <summary>A dead letter is never purged, however old; re-queued after a purge it is delivered as usual.</summary>
    [ConformanceFact]
    public async Task OutboxPurge_DeadLetter_IsNeverPurgedAndCanStillBeRequeued()
    {
        var t0 = Clock.GetCurrentInstant();
        await Store.Outbox.EnqueueAsync([Message("dead", TenantA, t0)]);
        await Store.Outbox.ClaimAsync(new DueWorkClaim(t0, 10, "host-1", Duration.FromMinutes(5)));
        Assert.True(await Store.Outbox.DeadLetterAsync("dead", "host-1", "410 Gone", t0));

        Assert.Equal(0, await Store.Outbox.PurgeDeliveredAsync(t0 + Duration.FromDays(3650), 100));

        var later = t0 + Duration.FromDays(3650);
        Assert.True(await Store.Outbox.RequeueDeadLetterAsync("dead", later));
        Assert.Equal("dead", Assert.Single(await Store.Outbox.ClaimAsync(new DueWorkClaim(later, 10, "host-1", Duration.FromMinutes(5)))).Id);
    }

    /// <summary>Refuses a batch size that is not positive.</summary>
    [ConformanceFact]
    public async Task OutboxPurge_NonPositiveBatch_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Outbox.PurgeDeliveredAsync(Clock.GetCurrentInstant(), 0));
    }
}
