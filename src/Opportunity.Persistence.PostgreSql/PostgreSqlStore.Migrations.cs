using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Workflows;
using static Opportunity.Persistence.PostgreSql.LeadRows;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>
    /// Creates the schema or brings it to <see cref="SchemaVersion"/> with the migration connection,
    /// recording each migration in <c>schema_migrations</c>, then grants the store's rights to the
    /// roles of <see cref="PostgreSqlStoreOptions.GrantTo"/>. Several hosts may run it at once
    /// (an advisory lock serialises them); running it again is harmless.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer version of this library.</exception>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _migrateGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await OpenMigrationConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext('opportunity.migrate.{_schema}'));", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {_schema}; CREATE TABLE IF NOT EXISTS {_schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());", cancellationToken).ConfigureAwait(false);
            var applied = new HashSet<int>();
            using (var command = new NpgsqlCommand($"SELECT version FROM {_schema}.schema_migrations;", connection, transaction))
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            if (applied.Count > 0 && applied.Max() > PostgreSqlMigrations.Latest)
            {
                throw new InvalidOperationException($"Schema '{_schema}' is at version {applied.Max()}, newer than this library's {PostgreSqlMigrations.Latest}; upgrade Opportunity.Persistence.PostgreSql.");
            }

            foreach (var (version, name, sql) in PostgreSqlMigrations.All.Where(m => !applied.Contains(m.Version)))
            {
                await ExecuteAsync(connection, transaction, sql.Replace("{s}", _schema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
                if (version == PostgreSqlMigrations.DuplicateKeysVersion)
                {
                    await IndexStoredLeadKeysAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                }

                if (version == PostgreSqlMigrations.PipelineColumnsVersion)
                {
                    await FillPipelineColumnsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                }

                if (version == PostgreSqlMigrations.ProductsVersion)
                {
                    await FillProductsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                }

                using var record = new NpgsqlCommand($"INSERT INTO {_schema}.schema_migrations (version, name) VALUES ($1, $2);", connection, transaction);
                record.Parameters.Add(new NpgsqlParameter { Value = version });
                record.Parameters.Add(new NpgsqlParameter { Value = name });
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var role in _grantTo)
            {
                var tables = string.Join(", ", PostgreSqlMigrations.Tables.Select(t => $"{_schema}.{t}"));
                var appendOnly = string.Join(", ", PostgreSqlMigrations.AppendOnlyTables.Select(t => $"{_schema}.{t}"));
                var functions = string.Join(", ", PostgreSqlMigrations.SystemFunctions.Select(f => $"{_schema}.{f}"));
                var readOnly = string.Join(", ", PostgreSqlMigrations.ReadOnlyTables.Select(t => $"{_schema}.{t}"));
                var deletable = string.Join(", ", PostgreSqlMigrations.DeletableTables.Select(t => $"{_schema}.{t}"));
                await ExecuteAsync(connection, transaction, $"GRANT USAGE ON SCHEMA {_schema} TO {role}; GRANT SELECT, INSERT, UPDATE ON {tables} TO {role}; GRANT SELECT, INSERT ON {appendOnly} TO {role}; GRANT SELECT, INSERT, UPDATE, DELETE ON {deletable} TO {role}; GRANT SELECT ON {readOnly} TO {role}; GRANT SELECT ON {_schema}.schema_migrations TO {role}; GRANT EXECUTE ON FUNCTION {functions} TO {role};", cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _migrated = true;
        }
        finally
        {
            _migrateGate.Release();
        }
    }

    /// <summary>A connection of the migration role, or of the data source when no migration connection string is set.</summary>
    private async Task<NpgsqlConnection> OpenMigrationConnectionAsync(CancellationToken cancellationToken)
    {
        if (_migrationConnectionString is null)
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new NpgsqlConnection(_migrationConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Fills the duplicate-key columns of every stored lead, in batches of unnested arrays; part of
    /// migration 3's transaction, which reads every tenant (<c>opportunity.system</c>, as FORCE RLS applies to the owner too).
    /// </summary>
    private async Task IndexStoredLeadKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'on', true);", cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Tenant, string Id, DuplicateKeys Keys)>();
        using (var select = new NpgsqlCommand($"SELECT {LeadReadColumns} FROM {_schema}.leads;", connection, transaction))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var lead = ReadLead(reader);
                rows.Add((lead.Tenant.Value, lead.Id.Value, DuplicateKeys.Normalised(lead.Details)));
            }
        }

        foreach (var batch in rows.Chunk(5_000))
        {
            using var update = Command(
                connection,
                transaction,
                $"""
                UPDATE {_schema}.leads l SET dup_company = k.company, dup_email_domain = k.domain, dup_phone = k.phone
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS k(tenant, id, company, domain, phone)
                WHERE l.tenant = k.tenant AND l.id = k.id;
                """,
                [
                    batch.Select(r => r.Tenant).ToArray(), batch.Select(r => r.Id).ToArray(), batch.Select(r => r.Keys.Company).ToArray(),
                    batch.Select(r => r.Keys.EmailDomain).ToArray(), batch.Select(r => r.Keys.Phone).ToArray(),
                ]);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'off', true);", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fills the pipeline columns of every stored opportunity from its document; part of migration 11's
    /// transaction, which reads every tenant (<c>opportunity.system</c>).
    /// </summary>
    private async Task FillPipelineColumnsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'on', true);", cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Tenant, string Id, short Kind, short BasisPoints, short Category, DateTime? ClosedAt)>();
        using (var select = new NpgsqlCommand($"SELECT tenant, id, document::text FROM {_schema}.opportunities;", connection, transaction))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (TryPipelineRow(reader.GetString(1), reader.GetString(2)) is { } row)
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), (short)row.Kind, (short)row.Probability.BasisPoints, (short)row.Category, row.ClosedAt is { } at ? PgValues.Floor(at) : null));
                }
            }
        }

        foreach (var batch in rows.Chunk(5_000))
        {
            using var update = Command(
                connection,
                transaction,
                $"""
                UPDATE {_schema}.opportunities o SET stage_kind = p.kind, probability_bp = p.bp, forecast_category = p.category, closed_at = p.closed_at
                FROM unnest($1::text[], $2::text[], $3::smallint[], $4::smallint[], $5::smallint[], $6::timestamptz[]) AS p(tenant, id, kind, bp, category, closed_at)
                WHERE o.tenant = p.tenant AND o.id = p.id;
                """,
                [
                    batch.Select(r => r.Tenant).ToArray(), batch.Select(r => r.Id).ToArray(), batch.Select(r => r.Kind).ToArray(),
                    batch.Select(r => r.BasisPoints).ToArray(), batch.Select(r => r.Category).ToArray(), batch.Select(r => r.ClosedAt).ToArray(),
                ]);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'off', true);", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fills the products column (migration 43) of every stored opportunity whose document has lines;
    /// part of the migration's transaction, which reads every tenant (<c>opportunity.system</c>). An
    /// unreadable document is left as it is (null: no products).
    /// </summary>
    private async Task FillProductsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'on', true);", cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Tenant, string Id, string Products)>();
        using (var select = new NpgsqlCommand($"SELECT tenant, id, document::text FROM {_schema}.opportunities WHERE document ? 'Lines';", connection, transaction))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (StoredValues.ProductsColumn(ToOpportunity(reader.GetString(1), 1, reader.GetString(2)).ToSnapshot()) is { } products)
                    {
                        rows.Add((reader.GetString(0), reader.GetString(1), products));
                    }
                }
                catch (StoreDataException)
                {
                    // Unreadable: quarantined when read, out of the pipeline; nothing to fill.
                }
            }
        }

        foreach (var batch in rows.Chunk(5_000))
        {
            using var update = Command(
                connection,
                transaction,
                $"UPDATE {_schema}.opportunities o SET products = p.products FROM unnest($1::text[], $2::text[], $3::text[]) AS p(tenant, id, products) WHERE o.tenant = p.tenant AND o.id = p.id;",
                [batch.Select(r => r.Tenant).ToArray(), batch.Select(r => r.Id).ToArray(), batch.Select(r => r.Products).ToArray()]);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'off', true);", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The pipeline row of a stored document, or null when it cannot be read (the row stays out of the pipeline).</summary>
    private StoredPipelineRow? TryPipelineRow(string id, string json)
    {
        try
        {
            return StoredPipelineRow.Of(ToOpportunity(id, 1, json));
        }
        catch (StoreDataException)
        {
            return null;
        }
    }
}
