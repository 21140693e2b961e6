namespace Opportunity.Persistence;

/// <summary>
/// Erasure of a customer's personal data (issue 14 item 6), written by <c>PersonalDataService</c>. A
/// store implements it when it can anonymise what it keeps: the erased leads and opportunities are
/// written version-checked with their <see cref="PersonalDataErased"/> events in the outbox, and every
/// other text the store keeps for the tenant — outbox payloads (events and rendered notifications,
/// pending, delivered and dead), the routing decision log, the field history, quarantine reasons, other
/// records' documents — has each of <see cref="PersonalDataErasure.Values"/> replaced by
/// <see cref="AdapterSupport.ErasedText.Replacement"/>, all in one transaction. Counts, amounts,
/// stages and dates are not touched.
/// </summary>
public interface IPersonalDataEraser
{
    /// <summary>
    /// Writes <paramref name="erasure"/> in one transaction and returns how many stored rows (documents,
    /// messages, log entries) outside the erased records had a value replaced. A stale erased record
    /// throws <see cref="ConcurrencyException"/> and changes nothing.
    /// </summary>
    Task<int> EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken = default);
}
