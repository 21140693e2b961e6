namespace Opportunity.Notifications;

/// <summary>What one <see cref="NotificationDispatcher.DispatchDueAsync"/> run did.</summary>
/// <param name="Claimed">Outbox messages claimed (events and notifications).</param>
/// <param name="EventsFannedOut">Domain events turned into notifications.</param>
/// <param name="NotificationsCreated">Notifications written to the outbox by the fan-out.</param>
/// <param name="Delivered">Notifications delivered.</param>
/// <param name="Retried">Messages scheduled for another attempt.</param>
/// <param name="DeadLettered">Messages moved to the dead-letter store.</param>
/// <param name="LeasesLost">Messages another dispatcher took over before this one finished.</param>
/// <param name="Failed">Messages whose processing threw (e.g. the store was unreachable); retried after the lease.</param>
public sealed record DispatchSummary(int Claimed, int EventsFannedOut, int NotificationsCreated, int Delivered, int Retried, int DeadLettered, int LeasesLost, int Failed)
{
    /// <summary>A run that found nothing due.</summary>
    public static DispatchSummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Delivered messages purged at the end of the run (<see cref="NotificationDispatcherOptions.DeliveredRetention"/>).</summary>
    public int Purged { get; init; }
}
