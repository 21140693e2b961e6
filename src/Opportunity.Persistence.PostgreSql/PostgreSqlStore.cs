using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Diagnostics;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// The server store on PostgreSQL, as one shared database object (like Npgsql's <c>NpgsqlDataSource</c>):
/// it owns or borrows the pooled data source, runs every transaction (the caller's too, inside a
/// <see cref="StoreTransaction"/>), migrates the schema, sets each transaction's tenant and partner for
/// row-level security, and appends the outbox and field-history rows every write carries. Its ports
/// are properties (<c>Leads</c>, <c>Opportunities</c>, <c>Partners</c>, <c>Outbox</c>, …), each a small
/// type with that port's SQL. Writes are version-checked (<c>UPDATE … WHERE version = @expected</c>) and
/// write the aggregate's events to the outbox in the same transaction; due work and outbox messages
/// are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so any number of hosts share the work. The weighted
/// pipeline's rows stream from their columns (<see cref="IPipelineRowSource"/>, on the opportunity
/// store) and its grouped totals are computed in SQL (<see cref="Forecasting.IPipelinePushDown"/>).
/// Thread-safe; create one per database and share it.
/// </summary>
public sealed partial class PostgreSqlStore : StorePorts, IStoreSchema, IAsyncDisposable, IDisposable
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

        _leads = new PostgreSqlLeadStore(this);
        _conversions = new PostgreSqlLeadConversionStore(this);
        _opportunities = new PostgreSqlOpportunityStore(this, _conversions);
        _partners = new PostgreSqlPartnerDirectory(this);
        _outbox = new PostgreSqlOutboxStore(this);
        _importer = new PostgreSqlOpportunityImporter(this);
        _merges = new PostgreSqlLeadMergeStore(this);
        _decisionLog = new PostgreSqlRoutingDecisionLog(this);
        _quarantine = new PostgreSqlRecordQuarantine(this);
        _fieldHistory = new PostgreSqlFieldHistory(this);
        _eraser = new PostgreSqlPersonalDataEraser(this);
        _pushDown = new PostgreSqlPipelinePushDown(this, _opportunities);
        _changeFeed = new PostgreSqlChangeFeed(this);
        _forecastSnapshots = new PostgreSqlForecastSnapshotStore(this);
        _targets = new PostgreSqlSalesTargetStore(this);
        _forecastAdjustments = new PostgreSqlForecastAdjustmentStore(this);
        _forecastSnapshotRuns = new PostgreSqlForecastSnapshotRunStore(this);
    }

    /// <summary>The database system's name in spans (OpenTelemetry's <c>db.system.name</c>).</summary>
    internal const string DbSystem = "postgresql";

    /// <summary>The schema of the store's tables, as the ports' SQL names it.</summary>
    internal string SchemaName => _schema;

    /// <summary>The pipelines opportunities are rebuilt with.</summary>
    internal PipelineCatalog Pipelines => _pipelines;

    /// <summary>The data source the store opens its connections from.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Whether writes append their field changes to <c>field_history</c>.</summary>
    internal bool RecordFieldHistory => _recordFieldHistory;

    /// <summary>Migrates once, before the first use, when <see cref="PostgreSqlStoreOptions.AutoMigrate"/> asks for it.</summary>
    internal async Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (_autoMigrate && !_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The schema version this library migrates to.</summary>
    public static int SchemaVersion => PostgreSqlMigrations.Latest;

    /// <summary>Fault injection for the conformance suite: called with a point name between the steps of a write.</summary>
    internal Action<string>? FaultHook { get; set; }

    /// <summary>The points at which <see cref="FaultHook"/> is called inside a write transaction.</summary>
    internal static IReadOnlyList<string> FaultPoints { get; } = ["after-state", "after-outbox"];

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

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction whose first statement sets the row-level
    /// security scope (transaction-local, so pooled connections never carry it over), then commits
    /// — unless <paramref name="commitWhen"/> says no, or <paramref name="work"/> throws: then
    /// everything rolls back. Inside a <see cref="StoreTransaction"/> scope the same happens in a
    /// savepoint of the caller's transaction instead, and nothing commits.
    /// </summary>
    internal async Task<T> RunAsync<T>(DbScope scope, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken, Func<T, bool>? commitWhen = null, [CallerMemberName] string operation = "")
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

    /// <summary>
    /// Opens a connection of the data source and a transaction whose first statement sets
    /// <paramref name="scope"/> (migrating first when <see cref="PostgreSqlStoreOptions.AutoMigrate"/> asks for it);
    /// the caller commits and disposes both.
    /// </summary>
    internal async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(DbScope scope, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Calls the conformance suite's <see cref="FaultHook"/>, if armed, at <paramref name="point"/> of a write.</summary>
    internal void Fault(string point) => FaultHook?.Invoke(point);
}
