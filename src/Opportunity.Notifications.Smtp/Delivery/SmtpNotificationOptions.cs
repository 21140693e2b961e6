using System.Net.Security;
using NodaTime;

namespace Opportunity.Notifications.Smtp;

/// <summary>Settings of one SMTP channel. Every member has a documented default.</summary>
public sealed class SmtpNotificationOptions
{
    /// <summary>The SMTP server's host name. Required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The port. Default 587 (submission with STARTTLS); 465 for <see cref="SmtpSecurity.SslOnConnect"/>.</summary>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is protected. Default <see cref="SmtpSecurity.StartTls"/>.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>User name for SMTP AUTH; null (the default) sends without authenticating. Needs <see cref="Password"/>.</summary>
    public string? UserName { get; set; }

    /// <summary>Password for SMTP AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>leads@acme.example</c>. Required.</summary>
    public string From { get; set; } = string.Empty;

    /// <summary>The sender's display name. Default null.</summary>
    public string? FromName { get; set; }

    /// <summary>A Reply-To address, e.g. the partner desk. Default null.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>The domain of every Message-ID (<c>&lt;msg_…@domain&gt;</c>). Default null: the domain of <see cref="From"/>.</summary>
    public string? MessageIdDomain { get; set; }

    /// <summary>How long one SMTP operation may take. Default 30 seconds; more than 0 and at most 10 minutes.</summary>
    public Duration Timeout { get; set; } = Duration.FromSeconds(30);

    /// <summary>Whether certificate revocation is checked during TLS. Default true.</summary>
    public bool CheckCertificateRevocation { get; set; } = true;

    /// <summary>Validates the server's certificate yourself (e.g. pin a private CA); null (the default) uses the system's validation. Code only: a delegate cannot come from configuration.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidationCallback { get; set; }

    /// <summary>
    /// Pins the server's certificate: when not empty, the TLS connection is accepted if and only if
    /// the server's own certificate has one of these SHA-256 hashes (hex, colons and case ignored),
    /// whoever issued it — the configuration form of pinning a relay's self-signed certificate.
    /// Default empty: the system's validation. Not together with <see cref="ServerCertificateValidationCallback"/>.
    /// </summary>
    public IList<string> ServerCertificateSha256 { get; } = [];

    /// <summary>
    /// Which people this channel mails. Default partner contacts, channel managers and the
    /// operations inbox. Register two SMTP channels with different audiences to route partner
    /// mail and internal mail through different servers.
    /// </summary>
    public ISet<NotificationAudience> Audiences { get; } = new HashSet<NotificationAudience>
    {
        NotificationAudience.Partner,
        NotificationAudience.ChannelManager,
        NotificationAudience.Operations,
    };
}
