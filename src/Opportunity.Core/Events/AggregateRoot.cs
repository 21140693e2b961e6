using NodaTime;

namespace Opportunity;

/// <summary>
/// Base of the aggregates (<c>Lead</c>, <c>SalesOpportunity</c>): an optimistic-concurrency
/// version and the domain events raised since the last save. Stores read
/// <see cref="PendingEvents"/> in the same transaction as the state and call
/// <see cref="MarkCommitted"/> once the write succeeded.
/// </summary>
public abstract class AggregateRoot
{
    private readonly List<DomainEvent> _pending = [];
    private readonly List<FieldChange> _fieldChanges = [];
    private IReadOnlyList<(HistoryField Field, string? Value)>? _audited;

    /// <summary>Creates the base for a new or rehydrated aggregate.</summary>
    protected AggregateRoot(TenantId tenant, long version, long eventCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ArgumentOutOfRangeException.ThrowIfNegative(eventCount);
        Tenant = tenant;
        Version = version;
        EventCount = eventCount;
    }

    /// <summary>The aggregate's kind, used in errors and event ids.</summary>
    public abstract string AggregateKind { get; }

    /// <summary>The aggregate's id as text.</summary>
    public abstract string AggregateId { get; }

    /// <summary>The tenant the aggregate belongs to.</summary>
    public TenantId Tenant { get; }

    /// <summary>0 until first saved; each successful save increments it by one.</summary>
    public long Version { get; private set; }

    /// <summary>Number of events the aggregate has raised over its life (saved and pending).</summary>
    public long EventCount { get; private set; }

    /// <summary>Events raised since the last successful save, oldest first.</summary>
    public IReadOnlyList<DomainEvent> PendingEvents => _pending;

    /// <summary>
    /// Changes of the audited fields (<see cref="HistoryField"/>) made by <see cref="PendingEvents"/>,
    /// by sequence, then field; stores append them to the record's field history in the same
    /// transaction (<c>IFieldHistory</c>).
    /// </summary>
    public IReadOnlyList<FieldChange> PendingFieldChanges => _fieldChanges;

    /// <summary>
    /// Called by a store after it wrote the aggregate and its pending events: sets the new
    /// version and clears the pending events.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The version does not move forward by one.</exception>
    public void MarkCommitted(long newVersion)
    {
        if (newVersion != Version + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(newVersion), newVersion, $"A save moves the version from {Version} to {Version + 1}.");
        }

        Version = newVersion;
        _pending.Clear();
        _fieldChanges.Clear();
    }

    /// <summary>Where the event stream stands now: the event count and how many events are pending (see <see cref="RollbackEvents"/>).</summary>
    internal (long EventCount, int Pending) EventMark => (EventCount, _pending.Count);

    /// <summary>Forgets the events raised since <paramref name="mark"/>: a change that a store refused is undone before it is tried another way.</summary>
    internal void RollbackEvents((long EventCount, int Pending) mark)
    {
        _pending.RemoveRange(mark.Pending, _pending.Count - mark.Pending);
        EventCount = mark.EventCount;
        _fieldChanges.RemoveAll(c => c.Sequence > mark.EventCount);
        // The subclass restored its state before calling this: the audited values are those at the mark.
        StartFieldHistory();
    }

    /// <summary>
    /// The audited fields and their values now, always the same fields in <see cref="HistoryField"/>
    /// order; each event compares them with the values before it and records the changes
    /// (<see cref="PendingFieldChanges"/>). None by default.
    /// </summary>
    protected virtual IReadOnlyList<(HistoryField Field, string? Value)> AuditedValues() => [];

    /// <summary>
    /// Takes the audited values as they are now as the base of the next change; a subclass calls it
    /// once its state is set. An aggregate without events yet starts from no values, so its first
    /// event records its initial values.
    /// </summary>
    protected void StartFieldHistory() =>
        _audited = Version == 0 && EventCount == 0 ? [.. AuditedValues().Select(v => (v.Field, (string?)null))] : AuditedValues();

    /// <summary>Stamps an event with this aggregate's identity and the next sequence number, and queues it.</summary>
    protected TEvent Raise<TEvent>(TEvent domainEvent, Instant at, string actor)
        where TEvent : DomainEvent
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var stamped = domainEvent with
        {
            Tenant = Tenant,
            AggregateKind = AggregateKind,
            AggregateId = AggregateId,
            Sequence = ++EventCount,
            OccurredAt = at,
            Actor = actor,
        };
        _pending.Add(stamped);
        RecordFieldChanges(stamped);
        return stamped;
    }

    private void RecordFieldChanges(DomainEvent stamped)
    {
        if (_audited is null)
        {
            return;
        }

        var now = AuditedValues();
        for (var i = 0; i < now.Count; i++)
        {
            if (!string.Equals(_audited[i].Value, now[i].Value, StringComparison.Ordinal))
            {
                _fieldChanges.Add(new FieldChange(stamped.Sequence, now[i].Field, stamped.OccurredAt, stamped.Actor, _audited[i].Value, now[i].Value));
            }
        }

        _audited = now;
    }

    /// <summary>What erased personal text reads (<c>Persistence.AdapterSupport.ErasedText.Replacement</c> is the same).</summary>
    internal const string ErasedMark = "[erased]";

    /// <summary>Validates an actor argument: non-empty, and free text by the text rules (<see cref="InvalidTextException"/>).</summary>
    protected static string RequireActor(string actor) =>
        string.IsNullOrWhiteSpace(actor)
            ? throw new ArgumentException("Actor must name who acts (a user, a partner or 'system').", nameof(actor))
            : TextRules.Required(actor, "actor");

    /// <summary>Validates a mandatory free-text reason: non-empty after trimming, and by the text rules (<see cref="InvalidTextException"/>).</summary>
    protected static string RequireReason(string reason, string paramName) =>
        string.IsNullOrWhiteSpace(reason) ? throw new ArgumentException("A reason is required.", paramName) : TextRules.Required(reason, paramName).Trim();
}
