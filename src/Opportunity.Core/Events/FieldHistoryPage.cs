namespace Opportunity;

/// <summary>One page of a record's field history, oldest first.</summary>
/// <param name="Changes">The changes, by sequence, then field.</param>
/// <param name="Next">Where the next page starts; null when this page ends the history.</param>
public sealed record FieldHistoryPage(IReadOnlyList<FieldChange> Changes, FieldHistoryCursor? Next);
