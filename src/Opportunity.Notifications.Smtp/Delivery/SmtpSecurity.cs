namespace Opportunity.Notifications.Smtp;

/// <summary>How the connection to the SMTP server is protected.</summary>
public enum SmtpSecurity
{
    /// <summary>Upgrade with STARTTLS and fail if the server does not offer it (the default; port 587).</summary>
    StartTls = 0,

    /// <summary>TLS from the first byte (implicit TLS, "SMTPS"; port 465).</summary>
    SslOnConnect = 1,

    /// <summary>Use STARTTLS when the server offers it, plain text otherwise. Not for credentials over untrusted networks.</summary>
    StartTlsWhenAvailable = 2,

    /// <summary>No TLS at all: only for a relay on the same host or a test server.</summary>
    None = 3,
}
