namespace Opportunity.Persistence;

/// <summary>
/// The operators' view of the records a store set aside because it could not read them (see
/// <see cref="QuarantinedRecord"/>). A store quarantines a lead or opportunity when a due-work claim
/// or a query meets a stored document it cannot rebuild: the claim leases the others and marks the
/// bad one in the same transaction, a query skips it, and neither fails for the rest.
/// </summary>
public interface IRecordQuarantine
{
    /// <summary>The quarantined records of <paramref name="tenant"/> (null: of every tenant), oldest first, then by tenant, kind and id.</summary>
    Task<IReadOnlyList<QuarantinedRecord>> ListQuarantinedAsync(TenantId? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lifts the quarantine of one record after its stored document was repaired: it is returned by
    /// queries again and due again at the due time it had when it was set aside (so the next claim reads
    /// it; if it is still unreadable it is quarantined again).
    /// </summary>
    /// <returns>False when the record was not quarantined.</returns>
    Task<bool> ReleaseAsync(TenantId tenant, StoredRecordKind kind, string id, CancellationToken cancellationToken = default);
}
