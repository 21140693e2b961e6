using NodaTime;

namespace Opportunity;

/// <summary>
/// Something that happened to an aggregate. Every event has a stable <see cref="EventId"/>
/// (aggregate kind, id, a per-aggregate sequence number and the tenant), which notifications use
/// as their idempotency key, so a redelivered event is recognisably the same event and two
/// tenants' events never share an id.
/// </summary>
public abstract record DomainEvent
{
    /// <summary>The tenant the aggregate belongs to.</summary>
    public TenantId Tenant { get; init; }

    /// <summary>The kind of aggregate that raised the event, e.g. <c>Lead</c>.</summary>
    public string AggregateKind { get; init; } = string.Empty;

    /// <summary>The id of the aggregate that raised the event.</summary>
    public string AggregateId { get; init; } = string.Empty;

    /// <summary>1 for the aggregate's first event, then 2, 3 and so on.</summary>
    public long Sequence { get; init; }

    /// <summary>When it happened, from the injected clock.</summary>
    public Instant OccurredAt { get; init; }

    /// <summary>Who caused it: a user id, a partner id, or <c>system</c>.</summary>
    public string Actor { get; init; } = string.Empty;

    /// <summary>
    /// Stable identity, unique across tenants: <c>{AggregateKind}/{AggregateId}/{Sequence}@{Tenant}</c>,
    /// e.g. <c>Lead/L-1/3@acme</c>, with <c>%</c>, <c>/</c> and <c>@</c> in the tenant written as
    /// <c>%25</c>, <c>%2F</c> and <c>%40</c>. Ids are unique per tenant only, so the tenant is part of
    /// the event's identity. Version 0.1.0 wrote <c>{AggregateKind}/{AggregateId}/{Sequence}</c>;
    /// such ids, still stored in outboxes, end in digits, ids of this form never do, so the two
    /// forms cannot collide.
    /// </summary>
    public string EventId => EventIds.Of(AggregateKind, AggregateId, Sequence, Tenant);

    /// <summary>The event's type name without namespace, e.g. <c>LeadAssigned</c>.</summary>
    public string EventType => GetType().Name;
}
