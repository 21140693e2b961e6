using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Opportunity.Notifications;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using static Opportunity.Hosting.Tests.HostingFixture;

namespace Opportunity.Hosting.Tests.BackgroundProcessing;

public sealed class BackgroundProcessingTests
{
    [Fact]
    public async Task ExecuteAsync_IdlePasses_PauseDoublesUpToTheCapAndResetsAfterWork()
    {
        using var f = new HostingFixture(o => (o.Interval, o.MaxIdleInterval) = (Duration.FromMinutes(1), Duration.FromMinutes(5)));
        await f.AssignLeadAsync();
        await f.Service.StartAsync(CancellationToken.None);

        for (var pass = 0; pass < 4; pass++)
        {
            await f.Delay.WaitRequestedAsync(); // nothing due yet
            if (pass == 3)
            {
                // Before the wait ends: the next pass must not start at the old time (it runs as soon as the wait elapses).
                f.Clock.Reset(ReminderDue);
            }

            f.Delay.Elapse();
        }

        await f.Delay.WaitRequestedAsync(); // the reminder fired: work
        Assert.Single(await f.RemindersAsync());
        f.Delay.Elapse();
        await f.Delay.WaitRequestedAsync();
        f.Delay.Elapse();
        await f.Delay.WaitRequestedAsync();
        await f.Service.StopAsync(CancellationToken.None);

        Assert.Equal([1, 2, 4, 5, 1, 1, 2], f.Delay.Requested.Select(d => (int)d.TotalMinutes));
    }

    [Fact]
    public async Task ExecuteAsync_MaxIdleIntervalBelowInterval_NoBackoff()
    {
        using var f = new HostingFixture(o => (o.Interval, o.MaxIdleInterval) = (Duration.FromMinutes(10), Duration.FromMinutes(5)));
        await f.Service.StartAsync(CancellationToken.None);
        for (var pass = 0; pass < 3; pass++)
        {
            await f.Delay.WaitRequestedAsync();
            f.Delay.Elapse();
        }

        await f.Delay.WaitRequestedAsync();
        await f.Service.StopAsync(CancellationToken.None);

        Assert.All(f.Delay.Requested, d => Assert.Equal(Duration.FromMinutes(10), d));
    }

    [Fact]
    public async Task NotificationDispatch_LeadAssigned_DeliveredByTheLoopAndTheBackoffResets()
    {
        var channel = new RecordingChannel();
        using var f = new HostingFixture(before: s => s.AddSingleton<INotificationChannel>(channel), register: b => b.AddBackgroundProcessing());
        var dispatch = f.Dispatch;
        await dispatch.StartAsync(CancellationToken.None);
        await f.Delays.Dispatch.WaitRequestedAsync(); // empty outbox: idle
        f.Delays.Dispatch.Elapse();
        await f.Delays.Dispatch.WaitRequestedAsync(); // idle again: the pause grew

        await f.AssignLeadAsync();
        f.Delays.Dispatch.Elapse();
        await f.Delays.Dispatch.WaitRequestedAsync();
        await dispatch.StopAsync(CancellationToken.None);

        var mail = Assert.Single(channel.Delivered);
        Assert.Equal(("sales@partner-a.example", "LeadAssigned"), (mail.Recipient.Address, mail.EventType));
        Assert.Equal([5, 10, 5], f.Delays.Dispatch.Requested.Select(d => (int)d.TotalSeconds));
        Assert.Empty(await f.Store.ListPendingAsync());
    }

    [Fact]
    public async Task NotificationDispatch_PassFails_LoggedAndRetriedWithBackoff()
    {
        var channel = new RecordingChannel();
        var logger = new ListLogger<NotificationDispatchHostedService>();
        using var f = new HostingFixture(
            before: s =>
            {
                s.AddSingleton<INotificationChannel>(channel);
                s.AddSingleton<ILogger<NotificationDispatchHostedService>>(logger);
                s.AddSingleton<IOutboxStore>(sp => new FailingOutbox(sp.GetRequiredService<InMemoryStore>(), failures: 2));
            },
            register: b => b.AddBackgroundProcessing());
        await f.AssignLeadAsync();

        await f.Dispatch.StartAsync(CancellationToken.None);
        await f.Delays.Dispatch.WaitRequestedAsync();
        f.Delays.Dispatch.Elapse();
        await f.Delays.Dispatch.WaitRequestedAsync();
        Assert.Empty(channel.Delivered);
        f.Delays.Dispatch.Elapse();
        await f.Delays.Dispatch.WaitRequestedAsync();
        await f.Dispatch.StopAsync(CancellationToken.None);

        Assert.Equal(2, logger.Entries.Count(e => e.Level == LogLevel.Error && e.Exception is TimeoutException));
        Assert.Single(channel.Delivered);
        Assert.Equal([5, 10, 5], f.Delays.Dispatch.Requested.Select(d => (int)d.TotalSeconds));
        Assert.True(f.Dispatch.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task StopAsync_BothLoopsWaiting_BothEndWithoutError()
    {
        using var f = new HostingFixture(register: b => b.AddBackgroundProcessing());
        var loops = f.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        Assert.Equal(2, loops.Count);
        foreach (var loop in loops)
        {
            await loop.StartAsync(CancellationToken.None);
        }

        await f.Delays.DueWork.WaitRequestedAsync();
        await f.Delays.Dispatch.WaitRequestedAsync();
        foreach (var loop in loops)
        {
            await loop.StopAsync(CancellationToken.None);
        }

        Assert.All(loops, l => Assert.True(l.ExecuteTask!.IsCompletedSuccessfully));
        Assert.Equal((1, 1), (f.Delays.DueWork.Waits, f.Delays.Dispatch.Waits));
    }

    [Fact]
    public async Task StopAsync_DeliveryInFlight_AbandonedAndLeftToItsLease()
    {
        var channel = new HangingChannel();
        using var f = new HostingFixture(before: s => s.AddSingleton<INotificationChannel>(channel), register: b => b.AddBackgroundProcessing());
        await f.AssignLeadAsync();

        await f.Dispatch.StartAsync(CancellationToken.None);
        await channel.Started.Task.WaitAsync(TimeSpan.FromSeconds(30)); // a guard, not a timing assertion
        await f.Dispatch.StopAsync(CancellationToken.None);

        Assert.True(f.Dispatch.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(0, f.Delays.Dispatch.Waits); // the loop ended inside its pass
        Assert.Equal(1, channel.Calls);
        // Neither delivered nor dead-lettered: redelivered after its lease.
        Assert.Single(await f.Store.ListPendingAsync(), m => m.Topic == "hanging");
        Assert.Empty(await f.Store.ListDeadLettersAsync());
    }
}
