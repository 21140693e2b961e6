using System.Text.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Notifications;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using static Opportunity.Core.Tests.Notifications.NotificationTestKit;

namespace Opportunity.Core.Tests.Notifications;

/// <summary>Issue 11, defect 5: leases cover the work actually held, and options that cannot hold are refused.</summary>
public sealed class NotificationDispatcherLeaseTests
{
    [Fact]
    public void Validate_LeaseShorterThanTwiceDeliveryTimeout_FailsNamingBothOptions()
    {
        var options = new NotificationDispatcherOptions { LeaseDuration = Duration.FromMinutes(3), DeliveryTimeout = Duration.FromMinutes(2) };

        var result = new NotificationDispatcherOptionsValidator().Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("LeaseDuration (0:00:03:00) must be at least twice DeliveryTimeout (0:00:02:00)", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_DeliveryTimeoutNotPositive_FailsNamingIt(int seconds)
    {
        var options = new NotificationDispatcherOptions { DeliveryTimeout = Duration.FromSeconds(seconds) };

        var result = new NotificationDispatcherOptionsValidator().Validate(null, options);

        Assert.StartsWith("DeliveryTimeout must be positive", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Hold()
    {
        var options = new NotificationDispatcherOptions();

        Assert.True(new NotificationDispatcherOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(options.LeaseDuration >= options.DeliveryTimeout * 2);
    }

    [Fact]
    public void Constructor_ChannelLimitLongerThanDeliveryTimeout_ThrowsNamingChannelAndOptions()
    {
        var store = new InMemoryStore();
        var slow = new LimitedChannel("crm-hooks", Duration.FromMinutes(3));

        var ex = Assert.Throws<OptionsValidationException>(() => Dispatcher(store, store, Clock(), channels: [new RecordingChannel("mail"), slow]));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("Channel 'crm-hooks' allows one delivery to take 0:00:03:00", failure, StringComparison.Ordinal);
        Assert.Contains("NotificationDispatcherOptions.DeliveryTimeout (0:00:02:00)", failure, StringComparison.Ordinal);
        Assert.Contains("LeaseDuration", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ChannelLimitWithinRaisedDeliveryTimeout_IsAccepted()
    {
        var store = new InMemoryStore();

        using var dispatcher = Dispatcher(store, store, Clock(), o => (o.DeliveryTimeout, o.LeaseDuration) = (Duration.FromMinutes(3), Duration.FromMinutes(6)), channels: [new LimitedChannel("crm-hooks", Duration.FromMinutes(3))]);

        Assert.Single(dispatcher.Channels);
    }

    [Fact]
    public async Task DispatchDueAsync_DeliveryOutlastsDeliveryTimeout_IsCutOffAndRetriedWhileTheLeaseHolds()
    {
        var clock = Clock();
        var store = await StoreWith(Partner(), Assigned());
        var never = new TaskCompletionSource<DeliveryResult>();
        var hooks = new RecordingChannel("hooks", [new NotificationRecipient("crm", NotificationAudience.Host)]);
        var hanging = new HangingChannel(hooks, never.Task);

        // A channel that ignores cancellation: the dispatcher stops waiting at DeliveryTimeout anyway.
        using var dispatcher = Dispatcher(store, store, clock, o => o.DeliveryTimeout = Duration.FromMilliseconds(50), channels: [hanging]);
        var summary = await dispatcher.DispatchDueAsync();

        Assert.Equal((1, 1, 0, 0), (summary.EventsFannedOut, summary.Retried, summary.Delivered, summary.LeasesLost));
        var pending = Assert.Single(await store.ListPendingAsync());
        Assert.Equal(1, pending.Attempts);
        Assert.Contains("No outcome within DeliveryTimeout (0:00:00:00.05)", pending.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchDueAsync_MessageTakenOverBeforeItsDeliveryStarted_IsLeftToTheNewHolder()
    {
        var clock = Clock();
        var store = new InMemoryStore();
        await store.EnqueueAsync([HostNotification("msg_1"), HostNotification("msg_2"), HostNotification("msg_3")]);
        var hooks = new RecordingChannel("hooks");
        // BatchSize 3: no refill claim (which would re-lease the held messages) before msg_3 is taken over.
        using var a = Dispatcher(store, store, clock, o => (o.MaxConcurrentDeliveries, o.BatchSize) = (1, 3), channels: [hooks]);
        var takenOver = new List<string>();
        hooks.Behaviour = (n, _) =>
        {
            if (n.Id == "msg_1")
            {
                clock.Advance(Duration.FromMinutes(4)); // slow, but within its lease (renewed when it started)
            }
            else if (n.Id == "msg_2")
            {
                // msg_2's lease was renewed at +4 min; msg_3 still has the batch's, which ran out at +5 min.
                clock.Advance(Duration.FromMinutes(2));
                var claim = new DueWorkClaim(clock.GetCurrentInstant(), 10, "other-host", Duration.FromMinutes(5));
                takenOver.AddRange(store.ClaimAsync(claim).GetAwaiter().GetResult().Select(m => m.Id));
            }

            return DeliveryResult.Delivered;
        };

        var summary = await a.DispatchDueAsync();

        Assert.Equal(["msg_3"], takenOver);
        Assert.Equal((2, 1), (summary.Delivered, summary.LeasesLost));
        Assert.Equal(["msg_1", "msg_2"], hooks.Attempts.Select(n => n.Id));
        Assert.Equal(["msg_3"], (await store.ListPendingAsync()).Select(m => m.Id));
    }

    private static OutboxMessage HostNotification(string id)
    {
        var notification = new Notification(id, Tenant, "hooks", "Lead/L-1/1", "LeadAssigned", Start, new NotificationRecipient("crm", NotificationAudience.Host), null, "{}");
        return new OutboxMessage(id, Tenant, "hooks", "LeadAssigned", JsonSerializer.Serialize(notification, DomainEventSerializer.Options), Start);
    }

    /// <summary>A channel that declares a delivery limit and delivers at once.</summary>
    private sealed class LimitedChannel(string name, Duration limit) : INotificationChannel
    {
        public string Name { get; } = name;

        public Duration? DeliveryTimeLimit { get; } = limit;

        public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(request.People);

        public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default) => Task.FromResult(DeliveryResult.Delivered);
    }

    /// <summary>Resolves like <paramref name="inner"/>, then never answers and ignores cancellation.</summary>
    private sealed class HangingChannel(RecordingChannel inner, Task<DeliveryResult> never) : INotificationChannel
    {
        public string Name => inner.Name;

        public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
            inner.ResolveRecipientsAsync(request, cancellationToken);

        public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default) => never;
    }
}
