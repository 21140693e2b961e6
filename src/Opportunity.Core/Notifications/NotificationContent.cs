namespace Opportunity.Notifications;

/// <summary>A rendered template: what a person reads.</summary>
/// <param name="Language">The language it was rendered in (ISO 639-1).</param>
/// <param name="Subject">Subject line, single line.</param>
/// <param name="TextBody">Plain-text body.</param>
/// <param name="HtmlBody">HTML body, or null for plain text only; placeholder values in it are HTML-encoded.</param>
public sealed record NotificationContent(string Language, string Subject, string TextBody, string? HtmlBody);
