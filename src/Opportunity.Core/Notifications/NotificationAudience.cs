namespace Opportunity.Notifications;

/// <summary>Who a notification is for; templates are registered per event type, audience and language.</summary>
public enum NotificationAudience
{
    /// <summary>The partner the event concerns, at its <see cref="Partners.Partner.ContactEmail"/>.</summary>
    Partner = 1,

    /// <summary>The manufacturer's channel manager of that partner, at <see cref="Partners.Partner.ChannelManagerEmail"/>.</summary>
    ChannelManager = 2,

    /// <summary>The manufacturer's operations inbox (<see cref="NotificationDispatcherOptions.OperationsEmail"/>), e.g. for unroutable leads.</summary>
    Operations = 3,

    /// <summary>
    /// A system of the host application (a webhook endpoint, a chat room, the manufacturer's
    /// ticket queue): receives the domain event itself, and rendered content too where a template
    /// for this audience exists (none are built in).
    /// </summary>
    Host = 4,
}
