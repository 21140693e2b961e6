using NodaTime;

namespace Opportunity.Persistence;

/// <summary>
/// One item waiting in the transactional outbox: a domain event (topic <see cref="DomainEventTopic"/>)
/// written with the state change that caused it, or a notification derived from one. The
/// <see cref="Id"/> is stable and unique, so redelivery is recognisable (idempotency key).
/// </summary>
/// <param name="Id">Stable, unique id; enqueuing the same id twice keeps the first.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="Topic">What kind of item: <see cref="DomainEventTopic"/> or a channel name such as <c>smtp</c>.</param>
/// <param name="Type">The payload's type, e.g. <c>LeadAssigned</c>.</param>
/// <param name="Payload">The payload, usually JSON.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record OutboxMessage(string Id, TenantId Tenant, string Topic, string Type, string Payload, Instant CreatedAt)
{
    /// <summary>The topic of domain events written by the stores.</summary>
    public const string DomainEventTopic = "domain-event";

    /// <summary>Delivery attempts made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>Not delivered before this instant (retry back-off); defaults to <see cref="CreatedAt"/>.</summary>
    public Instant? NextAttemptAt { get; init; }

    /// <summary>The last delivery error, if any.</summary>
    public string? LastError { get; init; }

    /// <summary>The instant from which the message may be claimed.</summary>
    public Instant DueAt => NextAttemptAt ?? CreatedAt;

    /// <summary>
    /// The outbox message every store writes for a domain event, in the same transaction as the
    /// aggregate: id <see cref="DomainEvent.EventId"/>, topic <see cref="DomainEventTopic"/>, type
    /// <see cref="DomainEvent.EventType"/>, the event's JSON, created when the event occurred.
    /// </summary>
    public static OutboxMessage FromDomainEvent(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return new OutboxMessage(domainEvent.EventId, domainEvent.Tenant, DomainEventTopic, domainEvent.EventType, DomainEventSerializer.Serialize(domainEvent), domainEvent.OccurredAt);
    }
}
