using NodaTime;
using Opportunity.Notifications;
using static Opportunity.Core.Tests.Notifications.NotificationTestKit;

namespace Opportunity.Core.Tests.Notifications;

public sealed class NotificationRetentionTests
{
    /// <summary>A dispatch run ends by purging what was delivered longer ago than the retention; the same event fanned out again later is not delivered twice.</summary>
    [Fact]
    public async Task DispatchDueAsync_AfterRetention_PurgesDeliveredAndStillDeduplicates()
    {
        var clock = Clock();
        var store = await StoreWith(Partner("en"), Assigned());
        var mail = new RecordingChannel("mail");
        using var dispatcher = Dispatcher(store, store, clock, o => o.DeliveredRetention = Duration.FromDays(7), channels: [mail]);

        var first = await dispatcher.DispatchDueAsync();
        clock.Advance(Duration.FromDays(7));
        var atRetention = await dispatcher.DispatchDueAsync();
        clock.Advance(Duration.FromSeconds(1));
        var afterRetention = await dispatcher.DispatchDueAsync();
        await store.EnqueueAsync([Assigned()]);
        var again = await dispatcher.DispatchDueAsync();

        Assert.Equal((2, 0), (first.Delivered + first.EventsFannedOut, first.Purged));
        Assert.Equal(0, atRetention.Purged);
        Assert.Equal(2, afterRetention.Purged); // the event and its one notification
        Assert.Equal(DispatchSummary.Empty, again);
        Assert.Single(mail.Delivered);
    }

    [Fact]
    public async Task DispatchDueAsync_RetentionOff_KeepsDelivered()
    {
        var clock = Clock();
        var store = await StoreWith(Partner("en"), Assigned());
        using var dispatcher = Dispatcher(store, store, clock, o => o.DeliveredRetention = null, channels: [new RecordingChannel("mail")]);
        await dispatcher.DispatchDueAsync();
        clock.Advance(Duration.FromDays(3650));

        Assert.Equal(0, await dispatcher.PurgeDeliveredAsync());
        Assert.Equal(2, await store.PurgeDeliveredAsync(clock.GetCurrentInstant(), 10));
    }

    [Fact]
    public void Validate_RetentionUnderAMinute_NamesTheOption()
    {
        var result = new NotificationDispatcherOptionsValidator().Validate(null, new NotificationDispatcherOptions { DeliveredRetention = Duration.FromSeconds(59) });

        Assert.Contains(result.Failures!, f => f.StartsWith("DeliveredRetention must be null", StringComparison.Ordinal));
        Assert.Equal(Duration.FromDays(7), new NotificationDispatcherOptions().DeliveredRetention);
    }
}
