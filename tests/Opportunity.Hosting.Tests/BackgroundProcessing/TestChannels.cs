using Opportunity.Notifications;

namespace Opportunity.Hosting.Tests.BackgroundProcessing;

/// <summary>A channel that writes to the people the dispatcher resolved and records what it delivered.</summary>
internal sealed class RecordingChannel : INotificationChannel
{
    public string Name => "recording";

    public List<Notification> Delivered { get; } = [];

    public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(request.People);

    public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        lock (Delivered)
        {
            Delivered.Add(notification);
        }

        return Task.FromResult(DeliveryResult.Delivered);
    }
}

/// <summary>A channel whose delivery hangs until it is cancelled, as a slow server would; signals when a delivery started.</summary>
internal sealed class HangingChannel : INotificationChannel
{
    public string Name => "hanging";

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Calls;

    public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(request.People);

    public async Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        Started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return DeliveryResult.Delivered;
    }
}
