using Npgsql;
using NpgsqlTypes;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default) =>
        ImportAsync(new OpportunityImportBatch { Opportunities = opportunities }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One transaction: the new partners (<c>INSERT … ON CONFLICT DO NOTHING</c>); the rows stream
    /// with binary <c>COPY</c> into a transaction-local staging table (PostgreSQL does not allow
    /// <c>COPY FROM</c> into a table under row-level security), are checked against the stored ids
    /// with one join and move into the table with one <c>INSERT … SELECT</c>; then the messages, in
    /// chunks of <see cref="ImportMessageChunk"/>. Any problem or exception rolls the whole
    /// transaction back.
    /// </remarks>
    public Task<ValidationResult<int>> ImportAsync(OpportunityImportBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var columns = $"tenant, id, version, document, {string.Join(", ", OpportunityColumnNames)}";
        return RunAsync(
            DbScope.NoTenant,
            async (connection, transaction) =>
            {
                var partnerErrors = new List<ValidationError>();
                OpportunityImportRules.CheckPartners(batch.NewPartners, partnerErrors);
                if (partnerErrors.Count > 0)
                {
                    return ValidationResult<int>.Failure(partnerErrors);
                }

                // ON COMMIT DROP ends the staging table with the store's own transaction; in the app's
                // transaction (StoreTransaction) an earlier import's table lives until the app commits.
                await ExecuteAsync(
                    connection,
                    transaction,
                    $"DROP TABLE IF EXISTS pg_temp.opportunity_import; CREATE TEMP TABLE opportunity_import (row_index integer NOT NULL, LIKE {_schema}.opportunities INCLUDING DEFAULTS) ON COMMIT DROP; ALTER TABLE opportunity_import DROP COLUMN lease_owner, DROP COLUMN lease_until;",
                    cancellationToken).ConfigureAwait(false);
                List<ValidationError> errors;
                int count;
                using (var copy = await connection.BeginBinaryImportAsync($"COPY opportunity_import (row_index, {columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
                {
                    (errors, count) = OpportunityImportRules.CheckBatch(batch.Opportunities, _pipelines, (row, index) =>
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
                        WriteColumns(copy, OpportunityValues(stored, stage));
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

                await InsertImportedPartnersAsync(connection, transaction, batch.NewPartners, cancellationToken).ConfigureAwait(false);
                Fault("after-state");
                var chunk = new List<OutboxMessage>(ImportMessageChunk);
                foreach (var message in batch.Messages)
                {
                    chunk.Add(message);
                    if (chunk.Count == ImportMessageChunk)
                    {
                        await InsertOutboxAsync(connection, transaction, chunk, cancellationToken).ConfigureAwait(false);
                        chunk.Clear();
                    }
                }

                await InsertOutboxAsync(connection, transaction, chunk, cancellationToken).ConfigureAwait(false);
                Fault("after-outbox");
                return ValidationResult<int>.Success(count);
            },
            cancellationToken,
            commitWhen: result => result.IsValid);
    }

    /// <summary>Outbox messages of an import are inserted this many per statement.</summary>
    private const int ImportMessageChunk = 10_000;

    private async Task InsertImportedPartnersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Partners.Partner> partners, CancellationToken cancellationToken)
    {
        if (partners.Count == 0)
        {
            return;
        }

        // Row-level security checks each row against the transaction's tenant: one statement per tenant.
        foreach (var group in partners.GroupBy(p => p.Tenant.Value, StringComparer.Ordinal))
        {
            await SetTenantAsync(connection, transaction, group.Key, cancellationToken).ConfigureAwait(false);
            await InsertImportedPartnersOfTenantAsync(connection, transaction, [.. group], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InsertImportedPartnersOfTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Partners.Partner> partners, CancellationToken cancellationToken)
    {
        using var command = Command(
            connection,
            transaction,
            $"""
            INSERT INTO {_schema}.partners (tenant, id, name, is_active, document)
            SELECT p.tenant, p.id, p.name, p.is_active, p.document::jsonb
            FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[]) AS p(tenant, id, name, is_active, document)
            ON CONFLICT (tenant, id) DO NOTHING;
            """,
            [
                partners.Select(p => p.Tenant.Value).ToArray(),
                partners.Select(p => p.Id.Value).ToArray(),
                partners.Select(p => p.Name).ToArray(),
                partners.Select(p => p.IsActive).ToArray(),
                partners.Select(SnapshotJson.Serialize).ToArray(),
            ]);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static readonly NpgsqlDbType[] OpportunityColumnTypes =
    [
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Date,
        NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Boolean, NpgsqlDbType.TimestampTz,
        NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.TimestampTz,
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
