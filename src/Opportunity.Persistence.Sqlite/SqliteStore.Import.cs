using Microsoft.Data.Sqlite;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Rows stream into one write transaction through a prepared INSERT; the transaction commits
    /// only when every row passed <see cref="OpportunityImportRules"/> and no id was stored before.
    /// </remarks>
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        var columns = OpportunityColumnNames;
        var sql = $"INSERT INTO opportunities (tenant, id, {string.Join(", ", columns)}, version, document) VALUES ($tenant, $id, {string.Join(", ", columns.Select(c => "$" + c))}, 1, $document);";
        return WriteAsync(
            (connection, transaction) =>
            {
                var conflicts = new List<ValidationError>();
                using var insert = Command(connection, transaction, sql, [("$tenant", null), ("$id", null), ("$document", null), .. columns.Select(c => ("$" + c, (object?)null))]);
                insert.Prepare();
                var (errors, count) = OpportunityImportRules.CheckBatch(opportunities, _pipelines, (row, index) =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var stage = _pipelines.Get(row.PipelineId).GetStage(row.Stage);
                    var stored = row with { Stage = stage.Name, Version = 1 };
                    insert.Parameters["$tenant"].Value = stored.Tenant.Value;
                    insert.Parameters["$id"].Value = stored.Id.Value;
                    insert.Parameters["$document"].Value = SnapshotJson.Serialize(stored);
                    var values = OpportunityValues(stored, !stage.IsClosed);
                    for (var i = 0; i < columns.Length; i++)
                    {
                        insert.Parameters["$" + columns[i]].Value = values[i] ?? DBNull.Value;
                    }

                    try
                    {
                        insert.ExecuteNonQuery();
                    }
                    catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint && ex.SqliteExtendedErrorCode == SqlitePrimaryKeyViolation)
                    {
                        OpportunityImportRules.Add(conflicts, OpportunityImportRules.AlreadyStored(index, row.Tenant, row.Id));
                    }
                });
                var problems = errors.Count > 0 ? errors : conflicts;
                if (problems.Count > 0)
                {
                    transaction.Rollback();
                    return Task.FromResult(ValidationResult<int>.Failure(problems));
                }

                return Task.FromResult(ValidationResult<int>.Success(count));
            },
            cancellationToken);
    }

    private const int SqlitePrimaryKeyViolation = 1555;
}
