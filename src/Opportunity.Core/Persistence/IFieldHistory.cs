namespace Opportunity.Persistence;

/// <summary>
/// The audit trail of leads and opportunities: every change of an audited field
/// (<see cref="HistoryField"/>: a lead's state and partner; an opportunity's partner, stage, amount and
/// expected close date) with who made it, when and the value before. Stores append the changes
/// (<see cref="AggregateRoot.PendingFieldChanges"/>) in the transaction that saves the record, so the
/// history is exactly what was committed; it is append-only and kept when the outbox is purged. It is
/// the manufacturer's view of its tenant: a partner-facing caller checks access to the record first.
/// Records imported in bulk (<see cref="IOpportunityImporter"/>) have a history from their first save
/// after the import.
/// </summary>
public interface IFieldHistory
{
    /// <summary>
    /// Up to <paramref name="maxChanges"/> changes of <paramref name="record"/> in
    /// <paramref name="tenant"/> after <paramref name="after"/> (from the first when null), oldest first
    /// (by event sequence, then field). An unknown record, or one of another tenant, has no history.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxChanges"/> is not positive.</exception>
    Task<FieldHistoryPage> ReadHistoryAsync(TenantId tenant, AuditedRecord record, FieldHistoryCursor? after = null, int maxChanges = 100, CancellationToken cancellationToken = default);
}
