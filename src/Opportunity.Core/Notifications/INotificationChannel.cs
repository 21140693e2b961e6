using NodaTime;

namespace Opportunity.Notifications;

/// <summary>
/// A way to deliver notifications: e-mail, signed webhooks, or one of your own. The
/// <see cref="NotificationDispatcher"/> asks each channel who should hear about a domain event
/// (<see cref="ResolveRecipientsAsync"/>), writes one outbox message per recipient, and later hands
/// each of them to <see cref="DeliverAsync"/> until it succeeds, fails permanently or runs out of
/// attempts. Delivery is at least once: a channel may see the same <see cref="Notification.Id"/>
/// more than once and should pass it on as the idempotency key (Message-ID, webhook-id).
/// </summary>
public interface INotificationChannel
{
    /// <summary>
    /// The channel's unique name, used as the outbox topic of its notifications (e.g. <c>smtp</c>,
    /// <c>webhook</c>) and as part of every notification id. Never change it while notifications are pending.
    /// </summary>
    string Name { get; }

    /// <summary>
    /// Who this channel notifies about an event. A channel for people usually returns
    /// <see cref="NotificationRecipientRequest.People"/> (the partner contact, channel manager and
    /// operations addresses that have a template for the event); a channel for systems returns its
    /// subscribed endpoints with <see cref="NotificationAudience.Host"/>.
    /// </summary>
    ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// The longest one <see cref="DeliverAsync"/> call may take by the channel's own settings
    /// (e.g. its timeout), or null when the channel sets no limit. The dispatcher refuses a
    /// channel whose limit is longer than <see cref="NotificationDispatcherOptions.DeliveryTimeout"/>,
    /// and cuts every delivery off at that timeout anyway, so leases always cover the work held.
    /// Default null.
    /// </summary>
    Duration? DeliveryTimeLimit => null;

    /// <summary>
    /// Delivers one notification. Return a result rather than throwing for expected failures;
    /// an exception is treated as a transient failure, except cancellation of
    /// <paramref name="cancellationToken"/>, which stops the dispatch run and leaves the
    /// notification pending.
    /// </summary>
    Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default);
}
