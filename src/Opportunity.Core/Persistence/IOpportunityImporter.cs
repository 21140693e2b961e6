using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// Loads many opportunities at once (a migration from another CRM, a nightly sync, a CSV file).
/// The batch is all or nothing, in one transaction: every row is validated (see
/// <see cref="OpportunityImportRules"/>) and checked against the ids already stored, and when any
/// row is bad nothing is written — no opportunity, no partner, no outbox message — and every
/// problem is returned, each naming its row and field. A crash or cancellation part-way leaves the
/// store as it was, so the same batch can be imported again. Imported opportunities are stored with
/// version 1.
/// </summary>
public interface IOpportunityImporter
{
    /// <summary>
    /// Imports the batch — new partners, opportunities and outbox messages — in one transaction;
    /// the result is the number of opportunities written, or the errors (then nothing was written).
    /// </summary>
    Task<ValidationResult<int>> ImportAsync(OpportunityImportBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Imports opportunities alone (no partners, no outbox messages: they are data, not changes) in one transaction.</summary>
    Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default) =>
        ImportAsync(new OpportunityImportBatch { Opportunities = opportunities }, cancellationToken);
}
