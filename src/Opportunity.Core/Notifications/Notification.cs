using NodaTime;

namespace Opportunity.Notifications;

/// <summary>
/// One message to one recipient over one channel, derived from a domain event. Its
/// <see cref="Id"/> is deterministic (event id, channel, audience and address), so re-running the
/// fan-out never duplicates it and every redelivery carries the same idempotency key.
/// </summary>
/// <param name="Id">Stable id and idempotency key, e.g. <c>msg_…</c>; the mail Message-ID and the <c>webhook-id</c>.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="Channel">The channel's name.</param>
/// <param name="EventId">The domain event's id (<see cref="DomainEvent.EventId"/>).</param>
/// <param name="EventType">The domain event's type name, e.g. <c>LeadAssigned</c>.</param>
/// <param name="EventOccurredAt">When the event happened; delivery latency is measured from here.</param>
/// <param name="Recipient">Who receives it.</param>
/// <param name="Content">The rendered template of the recipient's audience; null for a host without a <see cref="NotificationAudience.Host"/> template.</param>
/// <param name="EventJson">The domain event as JSON (<see cref="DomainEventSerializer"/>).</param>
public sealed record Notification(
    string Id,
    TenantId Tenant,
    string Channel,
    string EventId,
    string EventType,
    Instant EventOccurredAt,
    NotificationRecipient Recipient,
    NotificationContent? Content,
    string EventJson);
