using Microsoft.Data.Sqlite;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default) =>
        ImportAsync(new OpportunityImportBatch { Opportunities = opportunities }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One write transaction (BEGIN IMMEDIATE, the file's <c>synchronous</c> setting unchanged, so
    /// the commit is as durable as every other write): the new partners
    /// (<c>INSERT … ON CONFLICT DO NOTHING</c>), the rows through one prepared INSERT and the
    /// messages through another. It commits only when every row passed
    /// <see cref="OpportunityImportRules"/> and no id was stored before; an exception (a crash, a
    /// cancellation, a throwing enumeration) rolls everything back.
    /// </remarks>
    public Task<ValidationResult<int>> ImportAsync(OpportunityImportBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync(
            (connection, transaction) =>
            {
                var errors = new List<ValidationError>();
                OpportunityImportRules.CheckPartners(batch.NewPartners, errors);
                if (errors.Count > 0)
                {
                    transaction.Rollback();
                    return Task.FromResult(ValidationResult<int>.Failure(errors));
                }

                InsertImportedPartners(connection, transaction, batch.NewPartners);
                var (rowErrors, count) = InsertImportedRows(connection, transaction, batch.Opportunities, cancellationToken);
                if (rowErrors.Count > 0)
                {
                    transaction.Rollback();
                    return Task.FromResult(ValidationResult<int>.Failure(rowErrors));
                }

                Fault("after-state");
                InsertImportedMessages(connection, transaction, batch.Messages, cancellationToken);
                Fault("after-outbox");
                return Task.FromResult(ValidationResult<int>.Success(count));
            },
            cancellationToken);
    }

    private static void InsertImportedPartners(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Partners.Partner> partners)
    {
        if (partners.Count == 0)
        {
            return;
        }

        using var insert = Command(connection, transaction, "INSERT INTO partners (tenant, id, name, is_active, document) VALUES ($tenant, $id, $name, $active, $document) ON CONFLICT (tenant, id) DO NOTHING;");
        var p = Parameters(insert, "$tenant", "$id", "$name", "$active", "$document");
        insert.Prepare();
        foreach (var partner in partners)
        {
            p[0].Value = partner.Tenant.Value;
            p[1].Value = partner.Id.Value;
            p[2].Value = partner.Name;
            p[3].Value = partner.IsActive ? 1 : 0;
            p[4].Value = SnapshotJson.Serialize(partner);
            insert.ExecuteNonQuery();
        }
    }

    // Rows stream from the enumeration into one prepared INSERT; a stored id is a conflict error
    // (the primary key refuses it), never an overwrite.
    private (List<ValidationError> Errors, int Count) InsertImportedRows(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<SalesOpportunitySnapshot> rows, CancellationToken cancellationToken)
    {
        var columns = OpportunityColumnNames;
        using var insert = Command(connection, transaction, $"INSERT INTO opportunities (tenant, id, {string.Join(", ", columns)}, version, document) VALUES ($tenant, $id, {string.Join(", ", columns.Select(c => "$" + c))}, 1, $document);");
        var p = Parameters(insert, ["$tenant", "$id", "$document", .. columns.Select(c => "$" + c)]);
        insert.Prepare();
        var conflicts = new List<ValidationError>();
        var (errors, count) = OpportunityImportRules.CheckBatch(rows, _pipelines, (row, index) =>
        {
            if ((index & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var stage = _pipelines.Get(row.PipelineId).GetStage(row.Stage);
            var stored = row with { Stage = stage.Name, Version = 1 };
            p[0].Value = stored.Tenant.Value;
            p[1].Value = stored.Id.Value;
            p[2].Value = SnapshotJson.Serialize(stored);
            var values = OpportunityValues(stored, !stage.IsClosed);
            for (var i = 0; i < values.Length; i++)
            {
                p[3 + i].Value = values[i] ?? DBNull.Value;
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
        return (errors.Count > 0 ? errors : conflicts, count);
    }

    private static void InsertImportedMessages(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        using var insert = Command(
            connection,
            transaction,
            $"INSERT INTO outbox ({MessageColumns}, due_at, status) VALUES ($id, $tenant, $topic, $type, $payload, $created, $attempts, $next, $error, $due, 'pending') ON CONFLICT (id) DO NOTHING;");
        var p = Parameters(insert, "$id", "$tenant", "$topic", "$type", "$payload", "$created", "$attempts", "$next", "$error", "$due");
        insert.Prepare();
        var n = 0;
        foreach (var m in messages)
        {
            if ((++n & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            p[0].Value = m.Id;
            p[1].Value = m.Tenant.Value;
            p[2].Value = m.Topic;
            p[3].Value = m.Type;
            p[4].Value = m.Payload;
            p[5].Value = SqliteText.Of(m.CreatedAt, nameof(OutboxMessage), m.Id, nameof(m.CreatedAt));
            p[6].Value = m.Attempts;
            p[7].Value = SqliteText.OfOrNull(m.NextAttemptAt, nameof(OutboxMessage), m.Id, nameof(m.NextAttemptAt));
            p[8].Value = (object?)m.LastError ?? DBNull.Value;
            p[9].Value = SqliteText.Of(m.DueAt, nameof(OutboxMessage), m.Id, nameof(m.DueAt));
            insert.ExecuteNonQuery();
        }
    }

    // Parameters created once and set by position: a prepared statement reused for every row.
    private static SqliteParameter[] Parameters(SqliteCommand command, params string[] names) =>
        [.. names.Select(name => command.Parameters.Add(new SqliteParameter(name, DBNull.Value)))];

    private const int SqlitePrimaryKeyViolation = 1555;
}
