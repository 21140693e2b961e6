using Microsoft.Extensions.Logging;

namespace Opportunity.Notifications.Webhooks;

/// <summary>The webhook channel's log messages.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(101, LogLevel.Warning, "Webhook endpoint {Endpoint} answered 410 Gone and is disabled; enable it and re-queue its dead letters to resume.")]
    public static partial void EndpointDisabled(ILogger logger, string endpoint);

    [LoggerMessage(102, LogLevel.Warning, "Webhook {NotificationId} to {Endpoint} refused by the SSRF guard: {Reason}")]
    public static partial void DestinationRefused(ILogger logger, string notificationId, string endpoint, string reason);

    [LoggerMessage(103, LogLevel.Debug, "Webhook {NotificationId} to {Endpoint} answered {StatusCode}.")]
    public static partial void Answered(ILogger logger, string notificationId, string endpoint, int statusCode);
}
