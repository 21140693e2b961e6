using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// Loads many opportunities at once (a migration from another CRM, a nightly sync). The batch is
/// all or nothing: every row is validated (see <see cref="OpportunityImportRules"/>) and checked
/// against the ids already stored, and when any row is bad nothing is written and every problem is
/// returned, each naming its row and field. Imported opportunities are stored with version 1 and
/// raise no domain events (nothing goes to the outbox): they are data, not changes.
/// </summary>
public interface IOpportunityImporter
{
    /// <summary>Imports the rows in one transaction; the result is the number of rows written, or the errors.</summary>
    Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default);
}
