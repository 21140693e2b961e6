using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Opportunity.Notifications.Smtp;

/// <summary>
/// SMTP outcomes as delivery results: 5xx replies fail permanently (the dead-letter store), 4xx
/// replies and connection, TLS, protocol and timeout failures are retried. A failed login and a
/// missing STARTTLS are configuration errors: permanent, so they show up at once instead of
/// after a day of retries.
/// </summary>
internal static class SmtpFailures
{
    public static DeliveryResult Classify(Exception exception) => exception switch
    {
        SmtpCommandException command when (int)command.StatusCode >= 500 =>
            DeliveryResult.Permanent($"SMTP {(int)command.StatusCode} {Describe(command)}"),
        SmtpCommandException command =>
            DeliveryResult.Transient($"SMTP {(int)command.StatusCode} {Describe(command)}"),
        AuthenticationException auth => DeliveryResult.Permanent($"SMTP authentication failed: {auth.Message}"),
        NotSupportedException notSupported => DeliveryResult.Permanent($"SMTP server lacks a required feature: {notSupported.Message}"),
        SslHandshakeException tls => DeliveryResult.Transient($"TLS handshake failed: {tls.Message}"),
        SocketException or IOException or TimeoutException or SmtpProtocolException or ServiceNotConnectedException or OperationCanceledException =>
            DeliveryResult.Transient($"SMTP connection failed: {exception.GetType().Name}: {exception.Message}"),
        _ => DeliveryResult.Transient($"{exception.GetType().Name}: {exception.Message}"),
    };

    private static string Describe(SmtpCommandException e) => e.ErrorCode switch
    {
        SmtpErrorCode.RecipientNotAccepted => $"recipient {e.Mailbox} not accepted: {e.Message}",
        SmtpErrorCode.SenderNotAccepted => $"sender {e.Mailbox} not accepted: {e.Message}",
        _ => e.Message,
    };
}
