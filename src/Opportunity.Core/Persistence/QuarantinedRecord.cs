using NodaTime;

namespace Opportunity.Persistence;

/// <summary>
/// A stored record a store could not read back (e.g. a document with a state written by a newer
/// version, or edited by hand) and therefore set aside: it is no longer claimed as due work nor
/// returned by queries, so it blocks no other record or tenant, until an operator fixes the stored
/// document and calls <see cref="IRecordQuarantine.ReleaseAsync"/>.
/// </summary>
/// <param name="Tenant">The record's tenant.</param>
/// <param name="Kind">Lead or opportunity.</param>
/// <param name="Id">The record's id.</param>
/// <param name="Reason">Why it could not be read (the <see cref="StoreDataException"/> message: entity, id, field and the parser's words).</param>
/// <param name="QuarantinedAt">When: the claim's instant when a due-work claim found it, otherwise the store's clock.</param>
public sealed record QuarantinedRecord(TenantId Tenant, StoredRecordKind Kind, string Id, string Reason, Instant QuarantinedAt);
