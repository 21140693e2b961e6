using Opportunity.Partners;
using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// Everything one import writes, handed to <see cref="IOpportunityImporter.ImportAsync(OpportunityImportBatch, CancellationToken)"/>
/// in one call so that the store can commit it in one transaction: the partners the import creates,
/// the opportunities and the outbox messages (usually their domain events). Either all of it is
/// stored or none of it — a crash, a cancellation or one bad row leaves the store as it was, and
/// the same batch can simply be imported again.
/// </summary>
public sealed record OpportunityImportBatch
{
    /// <summary>
    /// Partners to create (name, tier, … as given). A partner that exists already is left as it is,
    /// so re-running an import never overwrites what an operator changed since. Default: none.
    /// </summary>
    public IReadOnlyList<Partner> NewPartners { get; init; } = [];

    /// <summary>The opportunities, stored with version 1; streamed once, in order (errors name <c>rows[i]</c> by this order). Default: none.</summary>
    public IEnumerable<SalesOpportunitySnapshot> Opportunities { get; init; } = [];

    /// <summary>
    /// Opportunities each with its own outbox messages, streamed once after <see cref="Opportunities"/>
    /// (their <c>rows[i]</c> count on from there): a row's messages are written with it, so a
    /// producer builds each aggregate once for its document and its events (the CSV importer does).
    /// Default: none.
    /// </summary>
    public IEnumerable<OpportunityImportRow> Rows { get; init; } = [];

    /// <summary>
    /// Outbox messages written in the same transaction (e.g. <see cref="OutboxMessage.FromDomainEvent"/>
    /// of each opportunity's events), read after the rows; an id already in the outbox is kept, as for every write. Streamed once. Default: none.
    /// </summary>
    public IEnumerable<OutboxMessage> Messages { get; init; } = [];
}
