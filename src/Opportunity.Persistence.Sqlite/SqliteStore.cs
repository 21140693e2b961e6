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
/// The embedded default store: one SQLite file in WAL mode and its ports, one object each
/// (<see cref="Leads"/>, <see cref="Opportunities"/>, <see cref="Partners"/>, <see cref="Outbox"/>,
/// <see cref="Importer"/>, <see cref="Conversions"/>, <see cref="DecisionLog"/>, …), as Npgsql's data
/// source hands out connections. This object owns what they share: the connections and their settings,
/// the write gate, transactions (the caller's <see cref="StoreTransaction"/> included), the schema, and
/// the outbox rows every write appends. Writes are version-checked (<c>UPDATE … WHERE version = @expected</c>;
/// zero rows → <see cref="ConcurrencyException"/>) and put the aggregate's pending events into the
/// outbox in the same transaction. SQLite has one writer at a time, so claims of due work take a
/// lease inside that single write transaction: several processes sharing the file never hold the
/// same item. Thread-safe; create one per database and share it (with DI: <c>UseSqlite</c>).
/// </summary>
public sealed partial class SqliteStore : StorePorts, IStoreSchema, IDisposable
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
    private readonly SqliteLeadStore _leads;
    private readonly SqliteOpportunityStore _opportunities;
    private readonly SqlitePartnerDirectory _partners;
    private readonly SqliteOutboxStore _outbox;
    private readonly SqliteOpportunityImporter _importer;
    private readonly SqliteLeadConversionStore _conversions;
    private readonly SqliteLeadMergeStore _merges;
    private readonly SqliteRoutingDecisionLog _decisionLog;
    private readonly SqliteRecordQuarantine _quarantine;
    private readonly SqliteFieldHistory _fieldHistory;
    private readonly SqlitePersonalDataEraser _eraser;
    private readonly SqlitePipelinePushDown _pushDown;
    private readonly SqliteChangeFeed _changeFeed;
    private readonly SqliteForecastSnapshotStore _forecastSnapshots;
    private readonly SqliteSalesTargetStore _targets;
    private readonly SqliteForecastAdjustmentStore _forecastAdjustments;
    private readonly SqliteForecastSnapshotRunStore _forecastSnapshotRuns;
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
        BusyTimeoutMilliseconds = (int)Math.Min(int.MaxValue, (long)options.BusyTimeout.TotalMilliseconds);
        _pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = {(options.DurableCommits ? "FULL" : "NORMAL")}; PRAGMA secure_delete = ON;");
        _autoMigrate = options.AutoMigrate;
        _recordFieldHistory = options.RecordFieldHistory;
        _writeGate = WriteGates.GetOrAdd(isFile ? Path.GetFullPath(builder.DataSource) : _connectionString, _ => new SemaphoreSlim(1, 1));
        _pipelines = pipelines ?? new PipelineCatalog();
        _leads = new SqliteLeadStore(this);
        _opportunities = new SqliteOpportunityStore(this);
        _partners = new SqlitePartnerDirectory(this);
        _outbox = new SqliteOutboxStore(this);
        _importer = new SqliteOpportunityImporter(this);
        _conversions = new SqliteLeadConversionStore(this);
        _merges = new SqliteLeadMergeStore(this);
        _decisionLog = new SqliteRoutingDecisionLog(this);
        _quarantine = new SqliteRecordQuarantine(this);
        _fieldHistory = new SqliteFieldHistory(this);
        _eraser = new SqlitePersonalDataEraser(this);
        _pushDown = new SqlitePipelinePushDown(this);
        _changeFeed = new SqliteChangeFeed(this);
        _forecastSnapshots = new SqliteForecastSnapshotStore(this);
        _targets = new SqliteSalesTargetStore(this);
        _forecastAdjustments = new SqliteForecastAdjustmentStore(this);
        _forecastSnapshotRuns = new SqliteForecastSnapshotRunStore(this);
    }

    /// <summary>The database system's name in spans (OpenTelemetry's <c>db.system.name</c>).</summary>
    internal const string DbSystem = "sqlite";

    /// <summary>The schema version this library migrates to.</summary>
    public static int SchemaVersion => SqliteMigrations.Latest;

    /// <summary>The leads (<c>leads</c>): scoped reads, duplicate candidates, version-checked writes with their events, leased claims of due leads.</summary>
    public override ILeadStore Leads => _leads;

    /// <summary>The opportunities (<c>opportunities</c>); also an <see cref="IPipelineRowSource"/> streaming the pipeline columns.</summary>
    public override IOpportunityStore Opportunities => _opportunities;

    /// <summary>The partner directory (<c>partners</c>).</summary>
    public override IPartnerDirectory Partners => _partners;

    /// <summary>The outbox every write appends to: claims, retries, dead letters, purge of delivered rows.</summary>
    public override IOutboxStore Outbox => _outbox;

    /// <summary>The bulk import of opportunities, their partners and messages in one transaction.</summary>
    public override IOpportunityImporter Importer => _importer;

    /// <summary>The conversion of a lead into its one opportunity, in one transaction.</summary>
    public override ILeadConversionStore Conversions => _conversions;

    /// <summary>The merge of two leads, in one transaction.</summary>
    public override ILeadMergeStore Merges => _merges;

    /// <summary>The append-only routing decision log (<c>routing_decisions</c>).</summary>
    public override IRoutingDecisionLog DecisionLog => _decisionLog;

    /// <summary>The records set aside because their documents cannot be read.</summary>
    public override IRecordQuarantine Quarantine => _quarantine;

    /// <summary>The audited field changes (written when <see cref="SqliteStoreOptions.RecordFieldHistory"/> is on).</summary>
    public override IFieldHistory FieldHistory => _fieldHistory;

    /// <summary>The erasure of personal data from every table of the file.</summary>
    public override IPersonalDataEraser Eraser => _eraser;

    /// <summary>The weighted pipeline grouped in SQL over the pipeline index.</summary>
    public override Forecasting.IPipelinePushDown PushDown => _pushDown;

    /// <summary>The per-tenant feed of committed opportunity changes; also an <see cref="IChangeFeedSignal"/> (polls <c>PRAGMA data_version</c>).</summary>
    public override IChangeFeed ChangeFeed => _changeFeed;

    /// <summary>The recorded forecast snapshots (<c>forecast_snapshots</c>).</summary>
    public override Forecasts.IForecastSnapshotStore ForecastSnapshots => _forecastSnapshots;

    /// <summary>The sales targets (<c>sales_targets</c>).</summary>
    public override Forecasts.ISalesTargetStore Targets => _targets;

    /// <summary>The forecast adjustments (<c>forecast_adjustments</c>).</summary>
    public override Forecasts.IForecastAdjustmentStore ForecastAdjustments => _forecastAdjustments;

    /// <summary>The leased runs of scheduled forecast snapshots (<c>forecast_snapshot_runs</c>).</summary>
    public override Forecasts.IForecastSnapshotRunStore ForecastSnapshotRuns => _forecastSnapshotRuns;

    /// <summary>The schema of the file: this store (<see cref="MigrateAsync"/>, <see cref="GetSchemaStatusAsync"/>).</summary>
    public override IStoreSchema Schema => this;

    /// <summary>The pipeline definitions that rebuild stored opportunities.</summary>
    internal PipelineCatalog Pipelines => _pipelines;

    /// <summary>How long a connection waits for a lock (<see cref="SqliteStoreOptions.BusyTimeout"/>), for connections opened on the native API.</summary>
    internal int BusyTimeoutMilliseconds { get; }

    /// <summary>Fault injection for the conformance suite: called with a point name between the steps of a write.</summary>
    internal Action<string>? FaultHook { get; set; }

    /// <summary>The points at which <see cref="FaultHook"/> is called inside a write transaction.</summary>
    internal static IReadOnlyList<string> FaultPoints { get; } = ["after-state", "after-outbox"];

    /// <summary>Releases the pooled connections to the database file.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
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
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, [CallerMemberName] string operation = "", Func<T, bool>? commitWhen = null)
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

    internal void Fault(string point) => FaultHook?.Invoke(point);

    /// <summary>
    /// Test hook of the conformance suite: rewrites the stored document of a lead with a state this
    /// version does not know, as a newer version (or a hand edit) would; the columns stay as they are.
    /// </summary>
    internal Task CorruptLeadAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, "UPDATE leads SET document = json_set(document, '$.state', 'Archived') WHERE tenant = $tenant AND id = $id;", ("$tenant", tenant.Value), ("$id", id.Value));
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>
    /// Rows an import writes with index upkeep before <see cref="ImportUpkeep"/> considers building the
    /// table's secondary indexes set-wise instead (a small import never changes the schema).
    /// </summary>
    internal long ImportIndexRebuildMinimum { get; set; } = 16_384;
}
