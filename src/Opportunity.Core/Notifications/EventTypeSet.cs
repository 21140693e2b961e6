namespace Opportunity.Notifications;

/// <summary>
/// Domain event types a receiver wants, by the type name the outbox stores
/// (<see cref="Persistence.OutboxMessage.Type"/>, the class name, e.g. <c>LeadAssigned</c>).
/// Empty means every event. Add types with <see cref="Add{TEvent}"/> — a typo is then a compile
/// error — or names with <c>Add(string)</c> (events the code does not reference, or configuration).
/// </summary>
public sealed class EventTypeSet : HashSet<string>
{
    /// <summary>Creates an empty set (every event); names compare ordinally.</summary>
    public EventTypeSet()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>Adds the event type <typeparamref name="TEvent"/>; returns this set, to chain: <c>Add&lt;LeadAssigned&gt;().Add&lt;LeadRecalled&gt;()</c>.</summary>
    public EventTypeSet Add<TEvent>()
        where TEvent : DomainEvent
    {
        Add(typeof(TEvent).Name);
        return this;
    }

    /// <summary>True when the set is empty (every event) or contains <paramref name="eventType"/>.</summary>
    public bool Allows(string eventType) => Count == 0 || Contains(eventType);
}
