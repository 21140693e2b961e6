using NodaTime;

namespace Opportunity.Notifications;

/// <summary>A channel seen through its <see cref="NotificationChannelOptions.Events"/>: events outside the set get no recipients.</summary>
internal sealed class EventFilteredNotificationChannel(INotificationChannel inner, EventTypeSet events) : INotificationChannel
{
    public string Name => inner.Name;

    public Duration? DeliveryTimeLimit => inner.DeliveryTimeLimit;

    public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return events.Allows(request.Event.EventType)
            ? inner.ResolveRecipientsAsync(request, cancellationToken)
            : ValueTask.FromResult<IReadOnlyList<NotificationRecipient>>([]);
    }

    public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default) =>
        inner.DeliverAsync(notification, cancellationToken);
}
