using Npgsql;
using NpgsqlTypes;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Rows stream with binary <c>COPY</c> into a transaction-local staging table (PostgreSQL does
    /// not allow <c>COPY FROM</c> into a table under row-level security), are checked against the
    /// stored ids with one join, and move into the table with one <c>INSERT … SELECT</c>. Any
    /// problem rolls the whole transaction back.
    /// </remarks>
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        var columns = $"tenant, id, version, document, {string.Join(", ", OpportunityColumnNames)}";
        return RunAsync(
            DbScope.NoTenant,
            async (connection, transaction) =>
            {
                await ExecuteAsync(
                    connection,
                    transaction,
                    $"CREATE TEMP TABLE opportunity_import (row_index integer NOT NULL, LIKE {_schema}.opportunities INCLUDING DEFAULTS) ON COMMIT DROP; ALTER TABLE opportunity_import DROP COLUMN lease_owner, DROP COLUMN lease_until;",
                    cancellationToken).ConfigureAwait(false);
                List<ValidationError> errors;
                int count;
                using (var copy = await connection.BeginBinaryImportAsync($"COPY opportunity_import (row_index, {columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
                {
                    (errors, count) = OpportunityImportRules.CheckBatch(opportunities, _pipelines, (row, index) =>
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var stage = _pipelines.Get(row.PipelineId).GetStage(row.Stage);
                        var stored = row with { Stage = stage.Name, Version = 1 };
                        copy.StartRow();
                        copy.Write(index, NpgsqlDbType.Integer);
                        copy.Write(stored.Tenant.Value, NpgsqlDbType.Text);
                        copy.Write(stored.Id.Value, NpgsqlDbType.Text);
                        copy.Write(1L, NpgsqlDbType.Bigint);
                        copy.Write(SnapshotJson.Serialize(stored), NpgsqlDbType.Jsonb);
                        WriteColumns(copy, OpportunityValues(stored, !stage.IsClosed));
                    });
                    if (errors.Count == 0)
                    {
                        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                // Disposing an uncompleted COPY cancelled it; the transaction rolls back.
                if (errors.Count > 0)
                {
                    return ValidationResult<int>.Failure(errors);
                }

                // Row-level security checks each row against the transaction's tenant, so the stored ids are
                // compared and the rows moved one tenant of the batch at a time (the staging table has no RLS).
                var tenants = new List<string>();
                using (var distinct = Command(connection, transaction, "SELECT DISTINCT tenant FROM opportunity_import ORDER BY tenant;", []))
                using (var reader = await distinct.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        tenants.Add(reader.GetString(0));
                    }
                }

                var conflicts = new List<(int Row, ValidationError Error)>();
                foreach (var tenant in tenants)
                {
                    await SetTenantAsync(connection, transaction, tenant, cancellationToken).ConfigureAwait(false);
                    using var check = Command(connection, transaction, $"SELECT i.row_index, i.id FROM opportunity_import i JOIN {_schema}.opportunities o ON o.tenant = i.tenant AND o.id = i.id WHERE i.tenant = $1 ORDER BY i.row_index LIMIT {OpportunityImportRules.MaxErrors};", [tenant]);
                    using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        conflicts.Add((reader.GetInt32(0), OpportunityImportRules.AlreadyStored(reader.GetInt32(0), new TenantId(tenant), new OpportunityId(reader.GetString(1)))));
                    }
                }

                if (conflicts.Count > 0)
                {
                    return ValidationResult<int>.Failure([.. conflicts.OrderBy(c => c.Row).Take(OpportunityImportRules.MaxErrors).Select(c => c.Error)]);
                }

                foreach (var tenant in tenants)
                {
                    await SetTenantAsync(connection, transaction, tenant, cancellationToken).ConfigureAwait(false);
                    using var insert = Command(connection, transaction, $"INSERT INTO {_schema}.opportunities ({columns}) SELECT {columns} FROM opportunity_import WHERE tenant = $1;", [tenant]);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return ValidationResult<int>.Success(count);
            },
            cancellationToken,
            commitWhen: result => result.IsValid);
    }

    private static readonly NpgsqlDbType[] OpportunityColumnTypes =
    [
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Date,
        NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Boolean, NpgsqlDbType.TimestampTz,
    ];

    private static void WriteColumns(NpgsqlBinaryImporter copy, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is null or DBNull)
            {
                copy.WriteNull();
            }
            else
            {
                copy.Write(values[i], OpportunityColumnTypes[i]);
            }
        }
    }
}
