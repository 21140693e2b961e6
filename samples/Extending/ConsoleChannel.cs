using Opportunity.Notifications;

namespace Extending;

/// <summary>
/// A custom notification channel: writes each notification to a TextWriter (think: a chat tool or
/// a ticket system). It receives the people the dispatcher resolved (partner contact, channel
/// manager) and decides per delivery whether it worked, failed for now, or failed for good.
/// </summary>
public sealed class ConsoleChannel(TextWriter output) : INotificationChannel
{
    public string Name => "console";

    public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(request.People);

    public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        if (notification.Recipient.Address.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(DeliveryResult.Permanent("no such recipient")); // goes to the dead-letter store
        }

        output.WriteLine($"[{notification.Id}] to {notification.Recipient.Address}: {notification.Content?.Subject ?? notification.EventType}");
        return Task.FromResult(DeliveryResult.Delivered);
    }
}
