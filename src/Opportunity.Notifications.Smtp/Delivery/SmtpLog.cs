using Microsoft.Extensions.Logging;

namespace Opportunity.Notifications.Smtp;

/// <summary>The SMTP channel's log messages.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(201, LogLevel.Debug, "Mail {MessageId} sent to {Recipient} via {Host}:{Port}.")]
    public static partial void Sent(ILogger logger, string messageId, string recipient, string host, int port);

    [LoggerMessage(202, LogLevel.Warning, "Mail {MessageId} to {Recipient} failed: {Error}")]
    public static partial void Failed(ILogger logger, string messageId, string recipient, string error);
}
