using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Diagnostics;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// The server store on PostgreSQL: every port (<see cref="ILeadStore"/>, <see cref="IOpportunityStore"/>,
/// <see cref="IPartnerDirectory"/>, <see cref="IOutboxStore"/>, <see cref="IOpportunityImporter"/>, <see cref="ILeadConversionStore"/>)
/// and the routing decision log (<see cref="IRoutingDecisionLog"/>) over one pooled data source. Writes are version-checked (<c>UPDATE … WHERE version = @expected</c>)
/// and write the aggregate's events to the outbox in the same transaction; due work and outbox
/// messages are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so any number of hosts share the work.
/// Every transaction first sets its scope (<c>set_config(…, true)</c>), and row-level security
/// enforces it again in the database. The weighted pipeline's rows stream from their
/// columns (<see cref="IPipelineRowSource"/>) and its grouped totals are computed in SQL
/// (<see cref="Forecasting.IPipelinePushDown"/>). Thread-safe; create one per database and share it.
/// </summary>
public sealed partial class PostgreSqlStore : ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter, ILeadConversionStore, IRoutingDecisionLog, IRecordQuarantine, IStoreSchema, IFieldHistory, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string? _database;
    private readonly string? _migrationConnectionString;
    private readonly string _schema;
    private readonly string[] _grantTo;
    private readonly bool _autoMigrate;
    private readonly bool _recordFieldHistory;
    private readonly PipelineCatalog _pipelines;
    private readonly SemaphoreSlim _migrateGate = new(1, 1);
    private volatile bool _migrated;

    /// <summary>Creates a store over the database of <paramref name="connectionString"/>, schema <c>opportunity</c>.</summary>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public PostgreSqlStore(string connectionString, PipelineCatalog? pipelines = null)
        : this(new PostgreSqlStoreOptions { ConnectionString = connectionString }, pipelines)
    {
    }

    /// <summary>Creates a store from options; <paramref name="pipelines"/> rebuilds opportunities and gives stage probabilities to the pipeline aggregation.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names each problem.</exception>
    public PostgreSqlStore(PostgreSqlStoreOptions options, PipelineCatalog? pipelines = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new PostgreSqlStoreOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        // The application's data source stays the application's: used as it is, never disposed here.
        _ownsDataSource = options.DataSource is null;
        _dataSource = options.DataSource ?? NpgsqlDataSource.Create(options.ConnectionString);
        _database = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString).Database;
        _migrationConnectionString = options.MigrationConnectionString ?? (_ownsDataSource ? options.ConnectionString : null);
        _schema = options.Schema;
        _grantTo = [.. options.GrantTo];
        _autoMigrate = options.AutoMigrate;
        _recordFieldHistory = options.RecordFieldHistory;
        _pipelines = pipelines ?? new PipelineCatalog();
    }

    /// <summary>The database system's name in spans (OpenTelemetry's <c>db.system.name</c>).</summary>
    private const string DbSystem = "postgresql";

    /// <summary>The schema version this library migrates to.</summary>
    public static int SchemaVersion => PostgreSqlMigrations.Latest;

    /// <summary>Fault injection for the conformance suite: called with a point name between the steps of a write.</summary>
    internal Action<string>? FaultHook { get; set; }

    /// <summary>The points at which <see cref="FaultHook"/> is called inside a write transaction.</summary>
    internal static IReadOnlyList<string> FaultPoints { get; } = ["after-state", "after-outbox"];

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

    /// <summary>
    /// Reads which migrations the schema has, over the store's own connection (never migrates; a
    /// schema or table that does not exist is version 0).
    /// </summary>
    /// <exception cref="NpgsqlException">The server cannot be reached.</exception>
    public async Task<StoreSchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default)
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, nameof(GetSchemaStatusAsync));
        using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL;", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = $"{_schema}.schema_migrations" });
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return new StoreSchemaStatus(0, PostgreSqlMigrations.Latest, PostgreSqlMigrations.All.Count);
            }
        }

        var applied = new HashSet<int>();
        using (var command = new NpgsqlCommand($"SELECT version FROM {_schema}.schema_migrations;", connection))
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        return new StoreSchemaStatus(applied.Count == 0 ? 0 : applied.Max(), PostgreSqlMigrations.Latest, PostgreSqlMigrations.All.Count(m => !applied.Contains(m.Version)));
    }

    /// <summary>Releases the data source the store created; a data source of the application (<see cref="PostgreSqlStoreOptions.DataSource"/>) stays open.</summary>
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Releases the data source the store created; a data source of the application (<see cref="PostgreSqlStoreOptions.DataSource"/>) stays open.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
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
    /// Runs <paramref name="work"/> in one transaction whose first statement sets the row-level
    /// security scope (transaction-local, so pooled connections never carry it over), then commits
    /// — unless <paramref name="commitWhen"/> says no, or <paramref name="work"/> throws: then
    /// everything rolls back. Inside a <see cref="StoreTransaction"/> scope the same happens in a
    /// savepoint of the caller's transaction instead, and nothing commits.
    /// </summary>
    private async Task<T> RunAsync<T>(DbScope scope, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken, Func<T, bool>? commitWhen = null, [CallerMemberName] string operation = "")
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, operation, scope.Tenant);
        if (CallerTransaction() is { } caller)
        {
            return await RunInCallerTransactionAsync(caller, scope, work, commitWhen, operation, cancellationToken).ConfigureAwait(false);
        }

        var (connection, transaction) = await BeginAsync(scope, cancellationToken).ConfigureAwait(false);
        using (connection)
        using (transaction)
        {
            var result = await work(connection, transaction).ConfigureAwait(false);
            if (commitWhen?.Invoke(result) ?? true)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }
    }

    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(DbScope scope, CancellationToken cancellationToken)
    {
        if (_autoMigrate && !_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            // opportunity.system is switched off for a store running as the owner (whose cross-tenant
            // policy reads it); for any other role it means nothing since migration 6.
            using var set = new NpgsqlCommand("SELECT set_config('opportunity.tenant', $1, true), set_config('opportunity.partner', $2, true), set_config('opportunity.system', 'off', true);", connection, transaction);
            set.Parameters.Add(new NpgsqlParameter { Value = scope.Tenant });
            set.Parameters.Add(new NpgsqlParameter { Value = scope.Partner });
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Fault(string point) => FaultHook?.Invoke(point);

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, IEnumerable<object?> parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A constraint violation reported by PostgreSQL, as a typed error naming the constraint or column.</summary>
    private static StoreDataException ConstraintViolation(string entity, string id, PostgresException ex) =>
        new(entity, id, ex.ColumnName ?? ex.ConstraintName ?? "row", $"The database refused the value ({ex.SqlState}: {ex.MessageText}).", ex);

    /// <summary>Points the running transaction's row-level security at <paramref name="tenant"/> (manufacturer scope), e.g. per tenant of a batch.</summary>
    private static async Task SetTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenant, CancellationToken cancellationToken)
    {
        using var set = Command(connection, transaction, "SELECT set_config('opportunity.tenant', $1, true), set_config('opportunity.partner', '', true);", [tenant]);
        await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The row-level security scope of one transaction. There is no "every tenant" scope: work across
    /// tenants calls the owner's <c>SECURITY DEFINER</c> functions (migration 6) from a transaction
    /// without a tenant (<see cref="NoTenant"/>), or sets each tenant of a batch in turn
    /// (<see cref="SetTenantAsync"/>).
    /// </summary>
    private readonly record struct DbScope(string Tenant, string Partner)
    {
        /// <summary>No tenant: the tables show nothing; the owner's functions do the cross-tenant work.</summary>
        public static DbScope NoTenant { get; } = new(string.Empty, string.Empty);

        public static DbScope Of(TenantId tenant) => new(tenant.Value, string.Empty);

        public static DbScope Of(AccessScope scope) => new(scope.Tenant.Value, scope.Partner?.Value ?? string.Empty);
    }
}
