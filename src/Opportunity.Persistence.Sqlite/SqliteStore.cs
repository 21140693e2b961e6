using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Opportunity.Diagnostics;
using Opportunity.Persistence.Sqlite.Schema;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// The embedded default store: every port (<see cref="ILeadStore"/>, <see cref="IOpportunityStore"/>,
/// <see cref="IPartnerDirectory"/>, <see cref="IOutboxStore"/>, <see cref="IOpportunityImporter"/>, <see cref="ILeadConversionStore"/>)
/// and the routing decision log (<see cref="IRoutingDecisionLog"/>) in one SQLite file in WAL mode. Writes are version-checked (<c>UPDATE … WHERE version = @expected</c>;
/// zero rows → <see cref="ConcurrencyException"/>) and put the aggregate's pending events into the
/// outbox in the same transaction. SQLite has one writer at a time, so claims of due work take a
/// lease inside that single write transaction: several processes sharing the file never hold the
/// same item. Thread-safe; create one per database and share it.
/// </summary>
public sealed partial class SqliteStore : ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter, ILeadConversionStore, IRoutingDecisionLog, IRecordQuarantine, IStoreSchema, IFieldHistory, IDisposable
{
    // Writers of one file queue here inside a process (fair, no busy spinning); other processes
    // are serialised by SQLite's lock and wait up to the busy timeout.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly bool _autoMigrate;
    private readonly SemaphoreSlim _writeGate;
    private readonly SemaphoreSlim _migrateGate = new(1, 1);
    private readonly PipelineCatalog _pipelines;
    private readonly bool _recordFieldHistory;
    private volatile bool _migrated;

    /// <summary>Creates a store over the file at <paramref name="databasePath"/> (created with its folder when missing).</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public SqliteStore(string databasePath, PipelineCatalog? pipelines = null)
        : this(new SqliteStoreOptions { DatabasePath = databasePath }, pipelines)
    {
    }

    /// <summary>Creates a store from options; <paramref name="pipelines"/> rebuilds opportunities (default: the default definition only).</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names each problem.</exception>
    public SqliteStore(SqliteStoreOptions options, PipelineCatalog? pipelines = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new SqliteStoreOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        var builder = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(options.DatabasePath!) }
            : new SqliteConnectionStringBuilder(options.ConnectionString);
        builder.Pooling = true;
        builder.DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        var isFile = builder.Mode != SqliteOpenMode.Memory && !string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal);
        if (isFile && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        _connectionString = builder.ToString();
        _pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(options.DurableCommits ? "FULL" : "NORMAL")}; PRAGMA secure_delete = ON;");
        _autoMigrate = options.AutoMigrate;
        _recordFieldHistory = options.RecordFieldHistory;
        _writeGate = WriteGates.GetOrAdd(isFile ? Path.GetFullPath(builder.DataSource) : _connectionString, _ => new SemaphoreSlim(1, 1));
        _pipelines = pipelines ?? new PipelineCatalog();
    }

    /// <summary>The database system's name in spans (OpenTelemetry's <c>db.system.name</c>).</summary>
    private const string DbSystem = "sqlite";

    /// <summary>The schema version this library migrates to.</summary>
    public static int SchemaVersion => SqliteMigrations.Latest;

    /// <summary>Fault injection for the conformance suite: called with a point name between the steps of a write.</summary>
    internal Action<string>? FaultHook { get; set; }

    /// <summary>The points at which <see cref="FaultHook"/> is called inside a write transaction.</summary>
    internal static IReadOnlyList<string> FaultPoints { get; } = ["after-state", "after-outbox"];

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
                        await IndexStoredLeadKeysAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }

                    if (version == SqliteMigrations.PipelineColumnsVersion)
                    {
                        await FillPipelineColumnsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }

                    if (version == SqliteMigrations.ProductsVersion)
                    {
                        await FillProductsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    }

                    if (version == SqliteMigrations.CapacityAndQuarantineVersion)
                    {
                        await FillPartnerLoadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Releases the pooled connections to the database file.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_autoMigrate && !_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, _pragmas, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE: the write lock is
    /// taken up front), committing when it returns unless <paramref name="commitWhen"/> says no (then,
    /// as when it throws, everything rolls back). Inside a <see cref="StoreTransaction"/> scope the same
    /// happens in a savepoint of the caller's transaction instead, and nothing commits.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, [CallerMemberName] string operation = "", Func<T, bool>? commitWhen = null)
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, operation);
        if (CallerTransaction() is { } caller)
        {
            return await RunInCallerTransactionAsync(caller, work, commitWhen, operation, cancellationToken).ConfigureAwait(false);
        }

        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            if (commitWhen?.Invoke(result) ?? true)
            {
                transaction.Commit();
            }

            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void Fault(string point) => FaultHook?.Invoke(point);
}
