using System.Globalization;
using Opportunity.Partners;

namespace Opportunity.Notifications;

/// <summary>
/// What one audience reads about one event type in one language: a subject, a plain-text body and
/// optionally an HTML body, with placeholders such as <c>{aggregateId}</c>, <c>{reason}</c>,
/// <c>{amount}</c> or <c>{partnerName}</c> (see <see cref="ContextPlaceholders"/>). Parsed and
/// checked when created, so a broken template fails at start-up, not at 3 a.m. in the dispatcher.
/// </summary>
public sealed class NotificationTemplate
{
    private readonly TemplateText _subject;
    private readonly TemplateText _text;
    private readonly TemplateText? _html;

    /// <summary>Creates and parses a template.</summary>
    /// <param name="eventType">The event type name it is for, e.g. <c>LeadAssigned</c>.</param>
    /// <param name="audience">Who reads it: a person, or <see cref="NotificationAudience.Host"/> for systems that show text (a chat room, a ticket queue).</param>
    /// <param name="language">ISO 639-1 language code, e.g. <c>en</c>; stored lower-case.</param>
    /// <param name="subject">Subject line with placeholders; one line.</param>
    /// <param name="textBody">Plain-text body with placeholders.</param>
    /// <param name="htmlBody">HTML body with placeholders (values are HTML-encoded), or null.</param>
    /// <exception cref="InputValidationException">Any argument is invalid; each error names the field and position.</exception>
    public NotificationTemplate(string eventType, NotificationAudience audience, string language, string subject, string textBody, string? htmlBody = null)
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(eventType) || !eventType.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            errors.Add(new ValidationError(nameof(eventType), $"Event type '{eventType}' must be a type name (letters, digits, '_', '.', '-')."));
        }

        if (!Enum.IsDefined(audience))
        {
            errors.Add(new ValidationError(nameof(audience), $"Audience {audience} is not one of Partner, ChannelManager, Operations, Host."));
        }

        if (!IsLanguage(language))
        {
            errors.Add(new ValidationError(nameof(language), $"Language '{language}' must be an ISO 639-1 code such as 'en' or 'de'."));
        }

        if (string.IsNullOrWhiteSpace(subject) || subject.Contains('\r', StringComparison.Ordinal) || subject.Contains('\n', StringComparison.Ordinal))
        {
            errors.Add(new ValidationError(nameof(subject), "Subject must be one non-empty line."));
        }

        if (string.IsNullOrWhiteSpace(textBody))
        {
            errors.Add(new ValidationError(nameof(textBody), "Text body must not be empty."));
        }

        var where = $"{eventType}/{audience}/{language}";
        _subject = TemplateText.Parse(subject ?? string.Empty, $"{where} {nameof(subject)}", errors);
        _text = TemplateText.Parse(textBody ?? string.Empty, $"{where} {nameof(textBody)}", errors);
        _html = htmlBody is null ? null : TemplateText.Parse(htmlBody, $"{where} {nameof(htmlBody)}", errors);
        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        EventType = eventType!;
        Audience = audience;
        Language = language!.ToLowerInvariant();
    }

    /// <summary>
    /// Placeholders every template may use besides the event's own fields: <c>eventId</c>,
    /// <c>eventType</c>, <c>occurredAt</c>, <c>tenant</c>, <c>partnerName</c>, <c>recipient</c>
    /// (the address), <c>recipientName</c> and <c>audience</c>.
    /// </summary>
    public static IReadOnlyList<string> ContextPlaceholders { get; } =
        ["eventId", "eventType", "occurredAt", "tenant", "partnerName", "recipient", "recipientName", "audience"];

    /// <summary>The event type name.</summary>
    public string EventType { get; }

    /// <summary>Who reads it.</summary>
    public NotificationAudience Audience { get; }

    /// <summary>The language code, lower-case.</summary>
    public string Language { get; }

    /// <summary>The subject as written.</summary>
    public string Subject => _subject.Source;

    /// <summary>The plain-text body as written.</summary>
    public string TextBody => _text.Source;

    /// <summary>The HTML body as written, or null.</summary>
    public string? HtmlBody => _html?.Source;

    /// <summary>Every placeholder used, in order of appearance, without duplicates.</summary>
    public IReadOnlyList<string> Placeholders =>
        [.. _subject.Placeholders.Concat(_text.Placeholders).Concat(_html?.Placeholders ?? []).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Renders the template for one recipient (also useful for previews). Placeholders without a
    /// value (a field the event does not carry) render empty; HTML values are encoded; the subject
    /// never contains line breaks.
    /// </summary>
    public NotificationContent Render(NotificationEvent notificationEvent, NotificationRecipient recipient, Partner? partner)
    {
        ArgumentNullException.ThrowIfNull(notificationEvent);
        ArgumentNullException.ThrowIfNull(recipient);
        var values = new Dictionary<string, string>(notificationEvent.Fields, StringComparer.Ordinal)
        {
            ["eventId"] = notificationEvent.EventId,
            ["eventType"] = notificationEvent.EventType,
            ["occurredAt"] = notificationEvent.OccurredAt.ToString("g", CultureInfo.InvariantCulture),
            ["tenant"] = notificationEvent.Tenant.Value,
            ["partnerName"] = partner?.Name ?? notificationEvent.Partner?.Value ?? string.Empty,
            ["recipient"] = recipient.Address,
            ["recipientName"] = recipient.DisplayName ?? recipient.Address,
            ["audience"] = recipient.Audience.ToString(),
        };
        var subject = _subject.Render(values, htmlEncode: false).ReplaceLineEndings(" ").Trim();
        return new NotificationContent(Language, subject, _text.Render(values, htmlEncode: false), _html?.Render(values, htmlEncode: true));
    }

    internal static bool IsLanguage(string? language) =>
        language is { Length: 2 or 3 } && language.All(char.IsAsciiLetter);
}
