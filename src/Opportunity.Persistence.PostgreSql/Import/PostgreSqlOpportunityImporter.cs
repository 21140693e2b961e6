using Npgsql;
using NpgsqlTypes;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Pipelines;
using static Opportunity.Persistence.PostgreSql.OpportunityRows;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The bulk import (<see cref="IOpportunityImporter"/>) of a <see cref="PostgreSqlStore"/>: binary <c>COPY</c> into staging tables, one transaction.</summary>
internal sealed class PostgreSqlOpportunityImporter(PostgreSqlStore db) : IOpportunityImporter
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default) =>
        ImportAsync(new OpportunityImportBatch { Opportunities = opportunities }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One transaction: the rows and their messages stream with binary <c>COPY</c>, a chunk of
    /// <see cref="ImportCopyChunk"/> rows at a time, into transaction-local staging tables
    /// (PostgreSQL does not allow <c>COPY FROM</c> into a table under row-level security); the rows
    /// are checked against the stored ids with one join and move into the table with one
    /// <c>INSERT … SELECT</c> per tenant; then the new partners (<c>INSERT … ON CONFLICT DO
    /// NOTHING</c>); then the batch's own messages are staged the same way and all messages move
    /// into the outbox with one <c>INSERT … SELECT</c> per tenant. Any problem or exception rolls the
    /// whole transaction back.
    /// </remarks>
    public Task<ValidationResult<int>> ImportAsync(OpportunityImportBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var columns = $"tenant, id, version, document, {string.Join(", ", OpportunityColumnNames)}";
        return db.RunAsync(
            DbScope.NoTenant,
            async (connection, transaction) =>
            {
                var partnerErrors = new List<ValidationError>();
                OpportunityImportRules.CheckPartners(batch.NewPartners, partnerErrors);
                if (partnerErrors.Count > 0)
                {
                    return ValidationResult<int>.Failure(partnerErrors);
                }

                // ON COMMIT DROP ends the staging tables with the store's own transaction; in the app's
                // transaction (StoreTransaction) an earlier import's tables live until the app commits.
                await ExecuteAsync(
                    connection,
                    transaction,
                    $"""
                    DROP TABLE IF EXISTS pg_temp.opportunity_import; DROP TABLE IF EXISTS pg_temp.outbox_import;
                    CREATE TEMP TABLE opportunity_import (row_index integer NOT NULL, LIKE {_schema}.opportunities INCLUDING DEFAULTS) ON COMMIT DROP;
                    ALTER TABLE opportunity_import DROP COLUMN lease_owner, DROP COLUMN lease_until;
                    CREATE TEMP TABLE outbox_import (n bigint NOT NULL, id text COLLATE "C" NOT NULL, tenant text COLLATE "C" NOT NULL, topic text NOT NULL, type text NOT NULL,
                        payload text NOT NULL, created_at timestamptz NOT NULL, attempts integer NOT NULL, next_attempt_at timestamptz, last_error text, due_at timestamptz NOT NULL) ON COMMIT DROP;
                    """,
                    cancellationToken).ConfigureAwait(false);

                // The rows and their messages are staged a chunk at a time with binary COPY (one COPY
                // runs at a time on a connection), so neither is kept for the whole batch.
                var pending = new List<(OpportunityImportRow Row, int Index)>(ImportCopyChunk);
                long messageNumber = 0;
                var (errors, count) = OpportunityImportRules.CheckBatch(batch, db.Pipelines, (row, index) =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    pending.Add((row, index));
                    if (pending.Count == ImportCopyChunk)
                    {
                        messageNumber = CopyImportChunk(connection, columns, pending, messageNumber);
                        pending.Clear();
                    }
                });
                if (errors.Count > 0)
                {
                    return ValidationResult<int>.Failure(errors);
                }

                messageNumber = CopyImportChunk(connection, columns, pending, messageNumber);

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
                    using var check = Command(connection, transaction, $"SELECT i.row_index, i.id FROM opportunity_import i JOIN {_schema}.opportunities o ON o.tenant = i.tenant AND o.id = i.id WHERE i.tenant = $1 ORDER BY i.row_index;", [tenant]);
                    using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        conflicts.Add((reader.GetInt32(0), OpportunityImportRules.AlreadyStored(reader.GetInt32(0), new TenantId(tenant), new OpportunityId(reader.GetString(1)))));
                    }
                }

                if (conflicts.Count > 0)
                {
                    return ValidationResult<int>.Failure([.. conflicts.OrderBy(c => c.Row).Select(c => c.Error)]);
                }

                foreach (var tenant in tenants)
                {
                    await SetTenantAsync(connection, transaction, tenant, cancellationToken).ConfigureAwait(false);
                    using var insert = Command(connection, transaction, $"INSERT INTO {_schema}.opportunities ({columns}) SELECT {columns} FROM opportunity_import WHERE tenant = $1;", [tenant]);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Statistics that know the new rows before anyone reads them (migration 44).
                using (var analyze = Command(connection, transaction, $"SELECT {_schema}.analyze_after_import($1);", [(long)count]))
                {
                    await analyze.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await InsertImportedPartnersAsync(connection, transaction, batch.NewPartners, cancellationToken).ConfigureAwait(false);
                db.Fault("after-state");
                CopyImportMessages(connection, batch.Messages, messageNumber, cancellationToken);
                await InsertImportedMessagesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                db.Fault("after-outbox");
                return ValidationResult<int>.Success(count);
            },
            cancellationToken,
            commitWhen: result => result.IsValid);
    }

    /// <summary>Rows (with their messages) staged per binary COPY.</summary>
    private const int ImportCopyChunk = 10_000;

    // One chunk of rows into the staging table, then their messages into the messages' one; returns the next message number.
    private long CopyImportChunk(NpgsqlConnection connection, string columns, List<(OpportunityImportRow Row, int Index)> chunk, long messageNumber)
    {
        if (chunk.Count == 0)
        {
            return messageNumber;
        }

        using (var copy = connection.BeginBinaryImport($"COPY opportunity_import (row_index, {columns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (imported, index) in chunk)
            {
                var row = imported.Opportunity;
                var stage = db.Pipelines.Get(row.PipelineId).GetStage(row.Stage);
                var stored = row with { Stage = stage.Name, Version = 1 };
                copy.StartRow();
                copy.Write(index, NpgsqlDbType.Integer);
                copy.Write(stored.Tenant.Value, NpgsqlDbType.Text);
                copy.Write(stored.Id.Value, NpgsqlDbType.Text);
                copy.Write(1L, NpgsqlDbType.Bigint);
                copy.Write(SnapshotJson.Serialize(stored), NpgsqlDbType.Jsonb);
                WriteColumns(copy, OpportunityValues(stored, stage));
            }

            copy.Complete();
        }

        return CopyImportMessages(connection, chunk.SelectMany(c => c.Row.Messages), messageNumber, CancellationToken.None);
    }

    // Messages into the staging table, numbered on from messageNumber (their order in the outbox); returns the next number.
    private static long CopyImportMessages(NpgsqlConnection connection, IEnumerable<OutboxMessage> messages, long messageNumber, CancellationToken cancellationToken)
    {
        using var enumerator = messages.GetEnumerator();
        if (!enumerator.MoveNext())
        {
            return messageNumber;
        }

        using var copy = connection.BeginBinaryImport("COPY outbox_import (n, id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error, due_at) FROM STDIN (FORMAT BINARY)");
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var m = enumerator.Current;
            copy.StartRow();
            copy.Write(messageNumber++, NpgsqlDbType.Bigint);
            copy.Write(m.Id, NpgsqlDbType.Text);
            copy.Write(m.Tenant.Value, NpgsqlDbType.Text);
            copy.Write(m.Topic, NpgsqlDbType.Text);
            copy.Write(m.Type, NpgsqlDbType.Text);
            copy.Write(m.Payload, NpgsqlDbType.Text);
            copy.Write(PgValues.Floor(m.CreatedAt), NpgsqlDbType.TimestampTz);
            copy.Write(m.Attempts, NpgsqlDbType.Integer);
            if (m.NextAttemptAt is { } next)
            {
                copy.Write(PgValues.Floor(next), NpgsqlDbType.TimestampTz);
            }
            else
            {
                copy.WriteNull();
            }

            if (m.LastError is { } error)
            {
                copy.Write(error, NpgsqlDbType.Text);
            }
            else
            {
                copy.WriteNull();
            }

            copy.Write(PgValues.Floor(m.DueAt), NpgsqlDbType.TimestampTz);
        }
        while (enumerator.MoveNext());
        copy.Complete();
        return messageNumber;
    }

    // The staged messages into the outbox, one statement per tenant (row-level security checks each
    // row against the transaction's tenant), in staging order; ids in the outbox or purged are kept
    // once, as for every outbox write.
    private async Task InsertImportedMessagesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var tenants = new List<string>();
        using (var distinct = Command(connection, transaction, "SELECT DISTINCT tenant FROM outbox_import ORDER BY tenant;", []))
        using (var reader = await distinct.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tenants.Add(reader.GetString(0));
            }
        }

        foreach (var tenant in tenants)
        {
            await SetTenantAsync(connection, transaction, tenant, cancellationToken).ConfigureAwait(false);
            using var insert = Command(
                connection,
                transaction,
                $"""
                INSERT INTO {_schema}.outbox ({PostgreSqlStore.MessageColumns}, due_at, status)
                SELECT m.id, m.tenant, m.topic, m.type, m.payload, m.created_at, m.attempts, m.next_attempt_at, m.last_error, m.due_at, 'pending'
                FROM outbox_import m
                CROSS JOIN LATERAL (SELECT {PostgreSqlMigrations.PurgedIdHash("m.tenant", "m.id")} AS h) k
                WHERE m.tenant = $1 AND NOT EXISTS (
                    SELECT 1 FROM {_schema}.outbox_purged p
                    WHERE p.tenant = m.tenant AND p.bucket = {PostgreSqlMigrations.PurgedBucket("k.h")} AND {PostgreSqlMigrations.PurgedIdKey("k.h")} = ANY (p.keys))
                ORDER BY m.n
                ON CONFLICT (id) DO NOTHING;
                """,
                [tenant]);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

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
            SELECT p.tenant, p.id, p.name, p.is_active, p.document::json
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
        NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text,
        NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, // the customer keys' hashes (migration 39)
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
