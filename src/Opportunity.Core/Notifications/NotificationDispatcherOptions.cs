using NodaTime;

namespace Opportunity.Notifications;

/// <summary>Settings of the <see cref="NotificationDispatcher"/>. Every member has a documented default.</summary>
public sealed class NotificationDispatcherOptions
{
    /// <summary>
    /// Identifies this dispatcher when it leases outbox messages. Default null: the host id of
    /// <see cref="OpportunityManagementOptions.HostId"/> (machine and process). Each dispatcher
    /// instance appends its own sequence number, so two dispatchers never share a lease.
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>How many due messages one claim takes. Default 100; 1 to 10,000.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How long a message is reserved for this dispatcher. The lease is taken when a batch is
    /// claimed and taken again (renewed to now + this) the moment the message's delivery or
    /// fan-out starts, so it has to cover one delivery, not a whole batch. Default 5 minutes;
    /// at least twice <see cref="DeliveryTimeout"/>, so that a delivery cut off at its timeout
    /// still has time to record its outcome before another dispatcher may take the message over.
    /// </summary>
    public Duration LeaseDuration { get; set; } = Duration.FromMinutes(5);

    /// <summary>
    /// The longest one delivery (or one fan-out) may take; after that the dispatcher stops
    /// waiting, cancels it and schedules a retry. Default 2 minutes; positive, at most half of
    /// <see cref="LeaseDuration"/>, and not shorter than any channel's own limit
    /// (<see cref="INotificationChannel.DeliveryTimeLimit"/>, e.g. the webhook <c>Timeout</c>).
    /// </summary>
    public Duration DeliveryTimeout { get; set; } = Duration.FromMinutes(2);

    /// <summary>
    /// How many deliveries run at once to one destination: a webhook endpoint, or any other
    /// channel as a whole (its server); fan-outs of domain events are one more destination. Each
    /// destination has its own slots, so a slow or hanging one never holds up the others.
    /// Default 4; 1 to 256.
    /// </summary>
    public int MaxConcurrentDeliveries { get; set; } = 4;

    /// <summary>Delay before the first retry, before jitter. Default 30 seconds; positive.</summary>
    public Duration InitialRetryDelay { get; set; } = Duration.FromSeconds(30);

    /// <summary>Longest delay between two attempts, before jitter. Default 6 hours; not below <see cref="InitialRetryDelay"/>.</summary>
    public Duration MaxRetryDelay { get; set; } = Duration.FromHours(6);

    /// <summary>
    /// Attempts (the first included) before a transiently failing notification is dead-lettered.
    /// Default 15, which with the default delays keeps trying for about a day and a half; 1 to 100.
    /// </summary>
    public int MaxAttempts { get; set; } = 15;

    /// <summary>Seed of the retry jitter (<see cref="ExponentialBackoff"/>). Default 0.</summary>
    public int JitterSeed { get; set; }

    /// <summary>The language used when a recipient's own has no template (ISO 639-1). Default <c>en</c>.</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>The manufacturer's operations inbox (<see cref="NotificationAudience.Operations"/>), e.g. for unroutable leads. Default null: nobody.</summary>
    public string? OperationsEmail { get; set; }

    /// <summary>The templates; starts with the built-in English and German ones.</summary>
    public NotificationTemplateCatalog Templates { get; } = NotificationTemplateCatalog.CreateDefault();

    /// <summary>
    /// How long delivered messages stay in the outbox before a dispatch run purges them
    /// (<see cref="Persistence.IOutboxStore.PurgeDeliveredAsync"/>). Default 7 days; null keeps them
    /// forever (the 0.1.0 behaviour); otherwise at least 1 minute. Purged ids are still recognised,
    /// so a message enqueued again after its purge is not delivered twice. Pending messages and dead
    /// letters are never purged.
    /// </summary>
    public Duration? DeliveredRetention { get; set; } = Duration.FromDays(7);
}
