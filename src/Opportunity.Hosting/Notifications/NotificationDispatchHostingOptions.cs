using NodaTime;

namespace Opportunity.Hosting;

/// <summary>
/// Settings of <see cref="NotificationDispatchHostedService"/>:
/// <see cref="BackgroundLoopOptions.Interval"/> default 5 seconds,
/// <see cref="BackgroundLoopOptions.MaxIdleInterval"/> default 30 seconds, so a notification
/// written while the outbox was quiet is sent within half a minute, and one written while it is
/// busy within seconds. Batch size, concurrency and retries are the dispatcher's own
/// (<see cref="Opportunity.Notifications.NotificationDispatcherOptions"/>).
/// </summary>
public sealed class NotificationDispatchHostingOptions : BackgroundLoopOptions
{
    /// <summary>Creates the options with their defaults.</summary>
    public NotificationDispatchHostingOptions()
        : base(Duration.FromSeconds(5), Duration.FromSeconds(30))
    {
    }
}
