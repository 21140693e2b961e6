using Microsoft.Extensions.Options;
using MimeKit;
using NodaTime;

namespace Opportunity.Notifications.Smtp;

/// <summary>Checks <see cref="SmtpNotificationOptions"/>; each failure names the option.</summary>
public sealed class SmtpNotificationOptionsValidator : IValidateOptions<SmtpNotificationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SmtpNotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add($"{nameof(options.Host)} must name the SMTP server.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{nameof(options.Port)} must be between 1 and 65535, was {options.Port}.");
        }

        if (!Enum.IsDefined(options.Security))
        {
            failures.Add($"{nameof(options.Security)} {options.Security} is not a known setting.");
        }

        if (!IsAddress(options.From))
        {
            failures.Add($"{nameof(options.From)} must be an e-mail address, was '{options.From}'.");
        }

        if (options.ReplyTo is not null && !IsAddress(options.ReplyTo))
        {
            failures.Add($"{nameof(options.ReplyTo)} must be an e-mail address, was '{options.ReplyTo}'.");
        }

        if (options.UserName is null != options.Password is null)
        {
            failures.Add($"{nameof(options.UserName)} and {nameof(options.Password)} go together: set both or neither.");
        }

        if (options.UserName is not null && options.Security == SmtpSecurity.None)
        {
            failures.Add($"{nameof(options.UserName)} is set but {nameof(options.Security)} is None: the password would travel in clear text. Use StartTls or SslOnConnect.");
        }

        if (options.MessageIdDomain is { } domain && (domain.Length == 0 || domain.Any(c => char.IsWhiteSpace(c) || c is '@' or '<' or '>')))
        {
            failures.Add($"{nameof(options.MessageIdDomain)} must be a domain such as 'acme.example', was '{domain}'.");
        }

        if (options.Timeout <= Duration.Zero || options.Timeout > Duration.FromMinutes(10))
        {
            failures.Add($"{nameof(options.Timeout)} must be more than 0 and at most 10 minutes, was {options.Timeout}.");
        }

        foreach (var hash in options.ServerCertificateSha256.Where(h => SmtpCertificatePins.Normalize(h) is null))
        {
            failures.Add($"{nameof(options.ServerCertificateSha256)} must hold SHA-256 hashes (64 hex digits, colons allowed), was '{hash}'.");
        }

        if (options.ServerCertificateSha256.Count > 0 && options.ServerCertificateValidationCallback is not null)
        {
            failures.Add($"Set {nameof(options.ServerCertificateSha256)} or {nameof(options.ServerCertificateValidationCallback)}, not both.");
        }

        if (options.Audiences.Count == 0 || options.Audiences.Contains(NotificationAudience.Host))
        {
            failures.Add($"{nameof(options.Audiences)} must name at least one of Partner, ChannelManager, Operations (hosts are reached by webhooks).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsAddress(string? text) =>
        !string.IsNullOrWhiteSpace(text) && MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal);
}
