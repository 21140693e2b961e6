namespace Opportunity;

/// <summary>A position in a record's field history: the changes after it are ordered by sequence, then field.</summary>
/// <param name="Sequence">The event sequence number of the last change read.</param>
/// <param name="Field">Its field.</param>
public readonly record struct FieldHistoryCursor(long Sequence, HistoryField Field);
