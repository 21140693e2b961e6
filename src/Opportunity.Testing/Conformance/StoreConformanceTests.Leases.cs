using System.Collections.Concurrent;
using System.Text.Json;
using NodaTime;
using Opportunity.Notifications;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// A lease renewal extends the holder's lease (also one that ran out but was not taken over),
    /// keeps other claimants out for the renewed time, and fails — changing nothing — for a
    /// worker that lost the message to another or whose message is no longer pending.
    /// </summary>
    [ConformanceFact]
    public async Task Outbox_RenewLease_ExtendsOnlyTheHoldersLease()
    {
        var t0 = Clock.GetCurrentInstant();
        var lease = Duration.FromMinutes(5);
        await Store.Outbox.EnqueueAsync([Message("m-1", TenantA, t0), Message("m-2", TenantA, t0)]);
        Assert.Equal(2, (await Store.Outbox.ClaimAsync(new DueWorkClaim(t0, 10, "host-1", lease))).Count);

        var renewedInTime = await Store.Outbox.RenewLeaseAsync("m-1", "host-1", t0 + Duration.FromMinutes(9));
        var renewedAfterExpiry = await Store.Outbox.RenewLeaseAsync("m-2", "host-1", t0 + Duration.FromMinutes(16));
        var byStranger = await Store.Outbox.RenewLeaseAsync("m-1", "host-2", t0 + Duration.FromHours(1));
        var keptOut = await Store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(8), 10, "host-2", lease));
        var takenOver = await Store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(10), 10, "host-2", lease));
        var renewedAfterTakeover = await Store.Outbox.RenewLeaseAsync("m-1", "host-1", t0 + Duration.FromMinutes(30));

        Assert.True(renewedInTime);
        Assert.True(renewedAfterExpiry, "a lease that ran out but was not taken over is still the owner's");
        Assert.False(byStranger, "only the holder renews");
        Assert.Empty(keptOut);
        Assert.Equal(["m-1"], takenOver.Select(m => m.Id));
        Assert.False(renewedAfterTakeover, "host-1 lost m-1 to host-2");
        Assert.False(await Store.Outbox.CompleteAsync("m-1", "host-1", t0 + Duration.FromMinutes(10)));
        Assert.True(await Store.Outbox.CompleteAsync("m-1", "host-2", t0 + Duration.FromMinutes(10)));
        Assert.False(await Store.Outbox.RenewLeaseAsync("m-1", "host-2", t0 + Duration.FromMinutes(30)), "a delivered message has no lease to renew");
        Assert.True(await Store.Outbox.CompleteAsync("m-2", "host-1", t0 + Duration.FromMinutes(10)));
    }

    /// <summary>
    /// Issue 11, defect 5: 100 notifications, one at a time, each taking 15 s (a webhook at its
    /// timeout) — 1,500 s for the batch against a 300 s lease. When the clock passes the batch's
    /// lease while the first dispatcher is still delivering, a second dispatcher (over another
    /// store instance, as a second host) takes over what the first has not started; the first
    /// finishes only what it had started. Every notification is delivered exactly once.
    /// </summary>
    [ConformanceFact]
    public async Task Outbox_LeaseRunsOutWhileFirstDispatcherDelivers_EachNotificationDeliveredOnce()
    {
        const int count = 100;
        var hosts = await OpenHostsAsync(2);
        try
        {
            var t0 = Clock.GetCurrentInstant();
            var lease = Duration.FromMinutes(5);
            await Store.Outbox.EnqueueAsync(Enumerable.Range(1, count).Select(i => HostNotification($"msg_{i:D3}", t0)));
            var deliveries = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            Task<DispatchSummary>? second = null;
            using var b = new NotificationDispatcher(
                hosts[1].Outbox, hosts[1].Partners, [new CountingChannel(deliveries, null)], Options("host-b", lease), Clock);
            var slow = new CountingChannel(deliveries, () =>
            {
                Clock.Advance(Duration.FromSeconds(15));
                if (second is null && Clock.GetCurrentInstant() > t0 + lease)
                {
                    second = b.DispatchDueAsync(); // the second host runs while the first is mid-delivery
                    return second;
                }

                return Task.CompletedTask;
            });
            using var a = new NotificationDispatcher(hosts[0].Outbox, hosts[0].Partners, [slow], Options("host-a", lease), Clock);

            var first = await a.DispatchDueAsync();

            Assert.NotNull(second);
            var taken = await second;
            Assert.Equal(count, deliveries.Count);
            Assert.All(deliveries, d => Assert.True(d.Value == 1, $"{d.Key} was delivered {d.Value} times"));
            Assert.Equal(count, first.Delivered + taken.Delivered);
            Assert.True(taken.Delivered > 0, "the second dispatcher took over the messages the first had not started");
            Assert.Equal(taken.Delivered, first.LeasesLost);
            Assert.Empty(await Store.Outbox.ListPendingAsync());
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }
    }

    private static NotificationDispatcherOptions Options(string worker, Duration lease) =>
        new() { WorkerId = worker, BatchSize = 100, MaxConcurrentDeliveries = 1, LeaseDuration = lease };

    private static OutboxMessage HostNotification(string id, Instant at)
    {
        var notification = new Notification(id, TenantA, CountingChannel.ChannelName, "Lead/L-1/3", "LeadAssigned", at, new NotificationRecipient("crm", NotificationAudience.Host), null, "{}");
        return new OutboxMessage(id, TenantA, CountingChannel.ChannelName, "LeadAssigned", JsonSerializer.Serialize(notification, DomainEventSerializer.Options), at);
    }

    /// <summary>A webhook-like channel (15 s limit) that counts deliveries per notification id and can run a step inside each.</summary>
    private sealed class CountingChannel(ConcurrentDictionary<string, int> deliveries, Func<Task>? during) : INotificationChannel
    {
        public const string ChannelName = "webhook";

        public string Name => ChannelName;

        public Duration? DeliveryTimeLimit => Duration.FromSeconds(15);

        public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<NotificationRecipient>>([]);

        public async Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
        {
            deliveries.AddOrUpdate(notification.Id, 1, (_, n) => n + 1);
            if (during is not null)
            {
                await during();
            }

            return DeliveryResult.Delivered;
        }
    }
}
