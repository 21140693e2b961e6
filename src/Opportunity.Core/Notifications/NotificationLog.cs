using Microsoft.Extensions.Logging;

namespace Opportunity.Notifications;

/// <summary>The dispatcher's log messages (source-generated, no allocation when the level is off).</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(1, LogLevel.Debug, "Event {EventId} ({EventType}) fanned out into {Count} notifications.")]
    public static partial void FannedOut(ILogger logger, string eventId, string eventType, int count);

    [LoggerMessage(2, LogLevel.Information, "Notification {NotificationId} for event {EventId} delivered via {Channel} after {Attempt} attempt(s).")]
    public static partial void Delivered(ILogger logger, string notificationId, string eventId, string channel, int attempt);

    [LoggerMessage(3, LogLevel.Warning, "Outbox message {MessageId} on {Topic} failed attempt {Attempt}; next attempt at {NextAttemptAt}: {Error}")]
    public static partial void RetryScheduled(ILogger logger, string messageId, string topic, int attempt, NodaTime.Instant nextAttemptAt, string error);

    [LoggerMessage(4, LogLevel.Error, "Outbox message {MessageId} on {Topic} moved to the dead-letter store after {Attempt} attempt(s): {Reason}")]
    public static partial void DeadLettered(ILogger logger, string messageId, string topic, int attempt, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Outbox message {MessageId} is no longer leased by {Owner}; another dispatcher took it over (its lease expired). Consider a longer lease.")]
    public static partial void LeaseLost(ILogger logger, string messageId, string owner);

    [LoggerMessage(6, LogLevel.Error, "Processing outbox message {MessageId} on {Topic} failed; it stays leased and is retried when the lease expires.")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception, string messageId, string topic);

    [LoggerMessage(7, LogLevel.Information, "Dead letter {MessageId} re-queued.")]
    public static partial void Requeued(ILogger logger, string messageId);

    [LoggerMessage(8, LogLevel.Warning, "Event {EventId} names partner {Partner}, which the partner directory does not know; only hosts are notified.")]
    public static partial void PartnerUnknown(ILogger logger, string eventId, string partner);

    [LoggerMessage(20, LogLevel.Debug, "Purged {Count} delivered outbox message(s) delivered before {OlderThan}.")]
    public static partial void Purged(ILogger logger, int count, NodaTime.Instant olderThan);

    [LoggerMessage(21, LogLevel.Warning, "Purging delivered outbox messages failed; the next dispatch run tries again.")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);
}
