using Microsoft.Data.Sqlite;
using Opportunity.Diagnostics;
using Opportunity.Persistence.Sqlite.Schema;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

// The schema of the file: migrations applied once (from any number of processes) and the status read without migrating.
public sealed partial class SqliteStore
{
    /// <summary>
    /// Creates the schema or brings it to <see cref="SchemaVersion"/>, switches the file to WAL mode,
    /// and records each applied migration in <c>schema_migrations</c>. Running it again (or from
    /// several processes at once) is harmless. Called automatically on first use unless
    /// <see cref="SqliteStoreOptions.AutoMigrate"/> is false.
    /// </summary>
    /// <remarks>
    /// A current schema is recognised with a plain read (a deferred transaction, no write lock), so a
    /// store opening the file while another process holds a long write transaction (an import) reads
    /// at once instead of waiting for the lock. Only a missing migration takes the write lock
    /// (<c>BEGIN IMMEDIATE</c>), and the applied migrations are read again under it, so two stores
    /// migrating a fresh file at once apply each migration once.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer version of this library.</exception>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _migrateGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (await IsCurrentAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                _migrated = true;
                return;
            }

            // Switching to WAL needs the file to itself; a file already in WAL mode stays as it is.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);", cancellationToken).ConfigureAwait(false);
                var applied = await AppliedMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                foreach (var (version, name, sql) in SqliteMigrations.All.Where(m => !applied.Contains(m.Version)))
                {
                    await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                    if (version == SqliteMigrations.DuplicateKeysVersion)
                    {
                        await LeadRows.IndexStoredLeadKeysAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }

                    if (version == SqliteMigrations.PipelineColumnsVersion)
                    {
                        await _opportunities.FillPipelineColumnsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }

                    if (version == SqliteMigrations.ProductsVersion)
                    {
                        await _opportunities.FillProductsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }

                    if (version == SqliteMigrations.CapacityAndQuarantineVersion)
                    {
                        await PartnerLoad.FillPartnerLoadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }

                    using var record = Command(connection, transaction, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));", ("$v", version), ("$n", name));
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                transaction.Commit();
            }
            finally
            {
                _writeGate.Release();
            }

            _migrated = true;
        }
        finally
        {
            _migrateGate.Release();
        }
    }

    /// <summary>Reads which migrations the file has (never migrates it; a file without the schema is version 0).</summary>
    /// <exception cref="SqliteException">The file cannot be opened.</exception>
    public async Task<StoreSchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default)
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, nameof(GetSchemaStatusAsync));
        using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: true);
        using (var exists = Command(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';"))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not 1L)
            {
                return new StoreSchemaStatus(0, SqliteMigrations.Latest, SqliteMigrations.All.Count);
            }
        }

        var applied = await AppliedMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        return new StoreSchemaStatus(applied.Count == 0 ? 0 : applied.Max(), SqliteMigrations.Latest, SqliteMigrations.All.Count(m => !applied.Contains(m.Version)));
    }

    /// <summary>
    /// True when the file is in WAL mode and every migration of this library is recorded, read in a
    /// deferred transaction (a reader, which WAL lets run beside a writer).
    /// </summary>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer version of this library.</exception>
    private static async Task<bool> IsCurrentAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        using (var mode = Command(connection, transaction, "PRAGMA journal_mode;"))
        {
            if (!string.Equals(await mode.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        using (var exists = Command(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';"))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not 1L)
            {
                return false;
            }
        }

        var applied = await AppliedMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        return SqliteMigrations.All.All(m => applied.Contains(m.Version));
    }

    /// <summary>The recorded migrations; refuses a database migrated by a newer library.</summary>
    /// <exception cref="InvalidOperationException">A recorded version is newer than this library's.</exception>
    private static async Task<HashSet<int>> AppliedMigrationsAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var applied = new HashSet<int>();
        using (var command = Command(connection, transaction, "SELECT version FROM schema_migrations;"))
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        if (applied.Count > 0 && applied.Max() > SqliteMigrations.Latest)
        {
            throw new InvalidOperationException($"The database is at schema version {applied.Max()}, newer than this library's {SqliteMigrations.Latest}; upgrade Opportunity.Persistence.Sqlite.");
        }

        return applied;
    }
}
