using Opportunity.Partners;

namespace Opportunity.Notifications;

/// <summary>What a channel needs to decide who hears about an event (<see cref="INotificationChannel.ResolveRecipientsAsync"/>).</summary>
public sealed class NotificationRecipientRequest
{
    /// <summary>Creates a request.</summary>
    public NotificationRecipientRequest(NotificationEvent notificationEvent, Partner? partner, IReadOnlyList<NotificationRecipient> people)
    {
        ArgumentNullException.ThrowIfNull(notificationEvent);
        ArgumentNullException.ThrowIfNull(people);
        Event = notificationEvent;
        Partner = partner;
        People = people;
    }

    /// <summary>The event.</summary>
    public NotificationEvent Event { get; }

    /// <summary>The partner the event concerns, from the partner directory; null when the event names none or it is unknown.</summary>
    public Partner? Partner { get; }

    /// <summary>
    /// The people to notify by e-mail, resolved by the dispatcher: the partner's contact address,
    /// its channel manager's address and the operations inbox, each only when a template exists for
    /// the event type and that audience, each with the language chosen for it.
    /// </summary>
    public IReadOnlyList<NotificationRecipient> People { get; }
}
