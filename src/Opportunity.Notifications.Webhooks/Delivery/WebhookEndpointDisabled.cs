using NodaTime;

namespace Opportunity.Notifications.Webhooks;

/// <summary>An endpoint that stopped receiving webhooks, and why.</summary>
/// <param name="Endpoint">The endpoint's name.</param>
/// <param name="Reason">Why, e.g. <c>410 Gone</c>.</param>
/// <param name="DisabledAt">When.</param>
public sealed record WebhookEndpointDisabled(string Endpoint, string Reason, Instant DisabledAt);
