using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using NodaTime;

namespace Opportunity.Notifications.Smtp;

/// <summary>
/// Mails notifications to people: one message per recipient (partner contact, channel manager,
/// operations inbox) in the language its template was rendered in, plain text plus HTML, with the
/// notification id as Message-ID (<c>&lt;msg_…@domain&gt;</c>). SMTP has no idempotency: a
/// connection lost after the final dot may deliver twice, and the stable Message-ID is what lets
/// mail clients and archives recognise the duplicate.
/// </summary>
public sealed class SmtpNotificationChannel : INotificationChannel
{
    /// <summary>The default channel name and outbox topic.</summary>
    public const string DefaultName = "smtp";

    private readonly SmtpNotificationOptions _options;
    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly string _messageIdDomain;
    private readonly SecureSocketOptions _security;

    /// <summary>Creates the channel.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="clock">Stamps the Date header.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="name">The channel name; default <see cref="DefaultName"/>. Several SMTP channels need different names.</param>
    /// <exception cref="OptionsValidationException">Invalid options.</exception>
    public SmtpNotificationChannel(SmtpNotificationOptions options, IClock clock, ILogger<SmtpNotificationChannel>? logger = null, string name = DefaultName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var validation = new SmtpNotificationOptionsValidator().Validate(name, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(name, typeof(SmtpNotificationOptions), validation.Failures);
        }

        Name = name;
        _options = options;
        _clock = clock;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _messageIdDomain = options.MessageIdDomain ?? MailboxAddress.Parse(options.From).Domain;
        _security = options.Security switch
        {
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The configured <see cref="SmtpNotificationOptions.Timeout"/>, which bounds each network operation of a delivery.</summary>
    public Duration? DeliveryTimeLimit => _options.Timeout;

    /// <summary>The people of <see cref="NotificationRecipientRequest.People"/> whose audience this channel serves.</summary>
    public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult<IReadOnlyList<NotificationRecipient>>([.. request.People.Where(p => _options.Audiences.Contains(p.Audience))]);
    }

    /// <inheritdoc />
    public async Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Content is null)
        {
            return DeliveryResult.Permanent($"Notification {notification.Id} has no rendered content; the SMTP channel mails people, not hosts.");
        }

        if (!SmtpNotificationOptionsValidator.IsAddress(notification.Recipient.Address))
        {
            return DeliveryResult.Permanent($"'{notification.Recipient.Address}' is not an e-mail address.");
        }

        using var message = CreateMessage(notification, notification.Content);
        using var client = new SmtpClient
        {
            Timeout = (int)Math.Min(int.MaxValue, _options.Timeout.TotalMilliseconds),
            CheckCertificateRevocation = _options.CheckCertificateRevocation,
        };
        if ((_options.ServerCertificateValidationCallback ?? SmtpCertificatePins.Validator(_options.ServerCertificateSha256)) is { } validate)
        {
            client.ServerCertificateValidationCallback = validate;
        }

        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, _security, cancellationToken).ConfigureAwait(false);
            if (_options.UserName is { } user)
            {
                await client.AuthenticateAsync(user, _options.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }

            await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Every failure becomes a classified result; nothing may escape unclassified.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var result = SmtpFailures.Classify(e);
            SmtpLog.Failed(_logger, notification.Id, notification.Recipient.Address, result.Error!);
            return result;
        }

        await QuitAsync(client).ConfigureAwait(false);
        SmtpLog.Sent(_logger, notification.Id, notification.Recipient.Address, _options.Host, _options.Port);
        return DeliveryResult.Delivered;
    }

    private static async Task QuitAsync(SmtpClient client)
    {
        try
        {
            await client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The mail was accepted; a failed QUIT must not cause a resend.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private MimeMessage CreateMessage(Notification notification, NotificationContent content)
    {
        var message = new MimeMessage
        {
            Subject = content.Subject,
            MessageId = $"{notification.Id}@{_messageIdDomain}",
            Date = _clock.GetCurrentInstant().ToDateTimeOffset(),
        };
        message.From.Add(new MailboxAddress(_options.FromName, _options.From));
        if (_options.ReplyTo is { } replyTo)
        {
            message.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        }

        message.To.Add(new MailboxAddress(notification.Recipient.DisplayName, notification.Recipient.Address));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Opportunity-Event", notification.EventType);
        message.Headers.Add("X-Opportunity-Event-Id", notification.EventId);
        message.Body = new BodyBuilder { TextBody = content.TextBody, HtmlBody = content.HtmlBody }.ToMessageBody();
        message.Body.Headers.Add(HeaderId.ContentLanguage, content.Language); // Content-* headers belong to the body entity.
        return message;
    }
}
