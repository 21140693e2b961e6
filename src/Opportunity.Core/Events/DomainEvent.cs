using NodaTime;

namespace Opportunity;

/// <summary>
/// Something that happened to an aggregate. Every event has a stable <see cref="EventId"/>
/// (aggregate kind, id and a per-aggregate sequence number), which notifications use as their
/// idempotency key, so a redelivered event is recognisably the same event.
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

    /// <summary>Stable identity: <c>{AggregateKind}/{AggregateId}/{Sequence}</c>.</summary>
    public string EventId => $"{AggregateKind}/{AggregateId}/{Sequence}";

    /// <summary>The event's type name without namespace, e.g. <c>LeadAssigned</c>.</summary>
    public string EventType => GetType().Name;
}
