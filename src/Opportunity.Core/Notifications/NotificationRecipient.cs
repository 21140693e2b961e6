namespace Opportunity.Notifications;

/// <summary>One addressee of a notification.</summary>
/// <param name="Address">Where to deliver: an e-mail address, or an endpoint name for <see cref="NotificationAudience.Host"/>.</param>
/// <param name="Audience">Which role the addressee has; it chooses the template: people are written to only where one exists, hosts get the event and, where a Host template exists, its content.</param>
/// <param name="Language">The language the content is rendered in (ISO 639-1); null for hosts.</param>
/// <param name="DisplayName">A display name, e.g. the partner's name; null when unknown.</param>
public sealed record NotificationRecipient(string Address, NotificationAudience Audience, string? Language = null, string? DisplayName = null)
{
    private readonly string _address = Require(Address, nameof(Address));

    /// <summary>The address, trimmed; not empty.</summary>
    /// <exception cref="ArgumentException">Empty.</exception>
    public string Address { get => _address; init => _address = Require(value, nameof(Address)); }

    /// <summary>True for people audiences (partner, channel manager, operations), which are notified only where a template exists.</summary>
    public bool IsPerson => Audience is not NotificationAudience.Host;

    private static string Require(string? address, string paramName) =>
        string.IsNullOrWhiteSpace(address) ? throw new ArgumentException("A recipient address must not be empty.", paramName) : address.Trim();
}
