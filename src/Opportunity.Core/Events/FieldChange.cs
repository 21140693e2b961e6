using NodaTime;

namespace Opportunity;

/// <summary>
/// One change of an audited field (<see cref="HistoryField"/>) of a lead or an opportunity: which
/// event made it (<see cref="Sequence"/>, as in <see cref="DomainEvent.Sequence"/>), when, who, and
/// the value before and after as text (null: no value, e.g. no partner yet). A record's first event
/// sets its initial values, with <see cref="Previous"/> null. Ordered by sequence, then field.
/// </summary>
/// <param name="Sequence">The sequence number of the event that made the change.</param>
/// <param name="Field">The field.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who: a user id, a partner id, or <c>system</c>.</param>
/// <param name="Previous">The value before; null when there was none.</param>
/// <param name="Current">The value after; null when there is none.</param>
public sealed record FieldChange(long Sequence, HistoryField Field, Instant At, string Actor, string? Previous, string? Current)
{
    /// <summary>Where this change sits in its record's history, to read on after it (<see cref="FieldHistoryCursor"/>).</summary>
    public FieldHistoryCursor Cursor => new(Sequence, Field);
}
