using NodaTime;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>The backlog counts exactly the pending messages (leased or not, due now or later) of every tenant, and names the oldest one's creation; delivered and dead messages do not count.</summary>
    [ConformanceFact]
    public async Task OutboxBacklog_PendingDeliveredAndDead_CountsPendingWithTheOldest()
    {
        var t0 = Clock.GetCurrentInstant();
        Assert.Equal(OutboxBacklog.Empty, await Store.Outbox.GetBacklogAsync());
        await Store.Outbox.EnqueueAsync([
            Message("delivered", TenantA, t0 - Duration.FromHours(3)), Message("dead", TenantA, t0 - Duration.FromHours(2)),
            Message("leased", TenantB, t0 - Duration.FromHours(1)), Message("waiting", TenantA, t0),
        ]);
        Assert.Equal(["delivered", "dead", "leased"], (await Store.Outbox.ClaimAsync(new DueWorkClaim(t0, 3, "host-1", Duration.FromMinutes(5)))).Select(m => m.Id));
        Assert.True(await Store.Outbox.CompleteAsync("delivered", "host-1", t0));
        Assert.True(await Store.Outbox.DeadLetterAsync("dead", "host-1", "550", t0));
        await Store.Outbox.EnqueueAsync([Message("later", TenantB, t0 + Duration.FromHours(1))]);

        var backlog = await Store.Outbox.GetBacklogAsync();

        Assert.Equal(new OutboxBacklog(3, t0 - Duration.FromHours(1)), backlog);
        Assert.Equal((await Store.Outbox.ListPendingAsync()).Count, backlog.Pending);
        Assert.Equal(Duration.FromHours(2), backlog.OldestAge(t0 + Duration.FromHours(1)));
    }

    /// <summary>A store with a schema reports it current once it was used (migrated on first use, or by the fixture).</summary>
    [ConformanceFact]
    public async Task SchemaStatus_StoreInUse_IsCurrent()
    {
        if (Store.Schema is null)
        {
            return;
        }

        await Store.Outbox.ListPendingAsync();

        var status = await Store.Schema.GetSchemaStatusAsync();

        Assert.True(status.IsCurrent, $"schema version {status.Version} of {status.LatestVersion}, {status.Pending} pending");
        Assert.Equal(status.LatestVersion, status.Version);
    }
}
