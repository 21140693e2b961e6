using Opportunity.Forecasting;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Workflows;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// One fresh, empty store as the conformance suite sees it: the four ports (usually one object),
/// the optional bulk importer, and the optional hooks that let the suite abort a write at the
/// points where a real transaction could fail.
/// </summary>
public sealed class StoreUnderTest : IAsyncDisposable
{
    private readonly Func<ValueTask>? _dispose;

    /// <summary>Wraps the ports of one store.</summary>
    /// <param name="leads">The lead store.</param>
    /// <param name="opportunities">The opportunity store.</param>
    /// <param name="partners">The partner directory.</param>
    /// <param name="outbox">The outbox.</param>
    /// <param name="dispose">Releases the store (close connections, drop the test database); may be null.</param>
    public StoreUnderTest(ILeadStore leads, IOpportunityStore opportunities, IPartnerDirectory partners, IOutboxStore outbox, Func<ValueTask>? dispose = null)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(outbox);
        Leads = leads;
        Opportunities = opportunities;
        Partners = partners;
        Outbox = outbox;
        _dispose = dispose;
    }

    /// <summary>Wraps one object that implements all four ports (and each optional port it implements: <see cref="IOpportunityImporter"/>, <see cref="IRoutingDecisionLog"/>, <see cref="ILeadConversionStore"/>, …).</summary>
    public static StoreUnderTest For<TStore>(TStore store, Func<ValueTask>? dispose = null)
        where TStore : ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore =>
        new(store, store, store, store, dispose) { Importer = store as IOpportunityImporter, DecisionLog = store as IRoutingDecisionLog, Quarantine = store as IRecordQuarantine, Conversions = store as ILeadConversionStore, Merges = store as ILeadMergeStore, Schema = store as IStoreSchema, PipelineRows = store as IPipelineRowSource, PushDown = store as IPipelinePushDown, ForecastSnapshots = store as IForecastSnapshotStore, Targets = store as ISalesTargetStore, ForecastAdjustments = store as IForecastAdjustmentStore, ForecastSnapshotRuns = store as IForecastSnapshotRunStore, ChangeFeed = store as IChangeFeed, FieldHistory = store as IFieldHistory, Eraser = store as IPersonalDataEraser };

    /// <summary>Wraps the ports of one adapter (<c>SqliteStore</c>, <c>PostgreSqlStore</c>, or your own <see cref="StorePorts"/>), every optional port it has included; the pipeline row stream is the opportunity store's when it has one.</summary>
    public static StoreUnderTest For(StorePorts ports, Func<ValueTask>? dispose = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return new(ports.Leads, ports.Opportunities, ports.Partners, ports.Outbox, dispose)
        {
            Importer = ports.Importer,
            DecisionLog = ports.DecisionLog,
            Quarantine = ports.Quarantine,
            Conversions = ports.Conversions,
            Merges = ports.Merges,
            Schema = ports.Schema,
            PipelineRows = ports.Opportunities as IPipelineRowSource,
            PushDown = ports.PushDown,
            ForecastSnapshots = ports.ForecastSnapshots,
            Targets = ports.Targets,
            ForecastAdjustments = ports.ForecastAdjustments,
            ForecastSnapshotRuns = ports.ForecastSnapshotRuns,
            ChangeFeed = ports.ChangeFeed,
            FieldHistory = ports.FieldHistory,
            Eraser = ports.Eraser,
        };
    }

    /// <summary>The atomic merge of two leads, when the adapter has one; the merge tests skip their checks without it.</summary>
    public ILeadMergeStore? Merges { get; init; }

    /// <summary>The pipeline row stream, when the adapter has one (<see cref="Forecasting.PipelineSnapshot.FromStoreAsync"/> reads the opportunities without it).</summary>
    public IPipelineRowSource? PipelineRows { get; init; }

    /// <summary>The forecast snapshot store, when the adapter has one; the snapshot tests skip their checks without it.</summary>
    public IForecastSnapshotStore? ForecastSnapshots { get; init; }

    /// <summary>The sales target store, when the adapter has one; the target tests skip their checks without it.</summary>
    public ISalesTargetStore? Targets { get; init; }

    /// <summary>The forecast adjustment store, when the adapter has one; the adjustment tests skip their checks without it.</summary>
    public IForecastAdjustmentStore? ForecastAdjustments { get; init; }

    /// <summary>The scheduled snapshot runs, when the adapter has them; the run tests skip their checks without them.</summary>
    public IForecastSnapshotRunStore? ForecastSnapshotRuns { get; init; }

    /// <summary>The pipeline push-down, when the adapter has one; the push-down checks are skipped without it.</summary>
    public IPipelinePushDown? PushDown { get; init; }

    /// <summary>The field history, when the adapter keeps one; the field history tests skip their checks without it.</summary>
    public IFieldHistory? FieldHistory { get; init; }

    /// <summary>The personal-data eraser, when the adapter has one; the erasure tests skip their checks without it.</summary>
    public IPersonalDataEraser? Eraser { get; init; }

    /// <summary>
    /// Every byte the store keeps, read around the store as an attacker with the storage would: SQLite's
    /// database file and WAL (after a checkpoint), every table of PostgreSQL's schema as text, every string
    /// of the in-memory store's object graph. The erasure tests search it for the erased e-mail address and
    /// phone number; without it they check through the ports only.
    /// </summary>
    public Func<Task<byte[]>>? ReadStoredBytes { get; init; }

    /// <summary>The change feed, when the adapter has one; the change feed tests skip their checks without it.</summary>
    public IChangeFeed? ChangeFeed { get; init; }

    /// <summary>
    /// True when a writer waits while another transaction holds the database's write lock (SQLite's one
    /// writer): the out-of-order commit test then cannot let a later transaction commit first.
    /// </summary>
    public bool WritersWaitForOpenTransactions { get; init; }

    /// <summary>The lead store.</summary>
    public ILeadStore Leads { get; }

    /// <summary>The opportunity store.</summary>
    public IOpportunityStore Opportunities { get; }

    /// <summary>The partner directory.</summary>
    public IPartnerDirectory Partners { get; }

    /// <summary>The outbox.</summary>
    public IOutboxStore Outbox { get; }

    /// <summary>The bulk importer, when the adapter has one; the import tests skip their checks without it.</summary>
    public IOpportunityImporter? Importer { get; init; }

    /// <summary>
    /// The atomic lead conversion, when the adapter has one (the workflow's <c>ConvertAsync</c>
    /// requires it); the conversion tests skip their checks without it.
    /// </summary>
    public ILeadConversionStore? Conversions { get; init; }

    /// <summary>
    /// The routing decision log, when the adapter has a durable one (over the same database, so
    /// <see cref="OpenAnotherInstance"/> reads what this instance appended); the decision-log tests
    /// skip their checks without it.
    /// </summary>
    public IRoutingDecisionLog? DecisionLog { get; init; }

    /// <summary>The store's list of quarantined records, when it has one; the quarantine tests need it.</summary>
    public IRecordQuarantine? Quarantine { get; init; }

    /// <summary>The store's schema report, when it has one (every store with a database schema should); the schema test needs it.</summary>
    public IStoreSchema? Schema { get; init; }

    /// <summary>
    /// Makes one stored lead unreadable, as a document written by a newer version (a state this version
    /// does not know) or edited by hand would be, changing nothing else (its columns, due time and
    /// counters stay). Each adapter writes its raw form: SQL stores rewrite the JSON document. The
    /// quarantine tests skip their checks without it.
    /// </summary>
    public Func<TenantId, LeadId, Task>? CorruptLead { get; init; }

    /// <summary>
    /// Names of the points in the adapter's write path where it calls its fault hook, e.g.
    /// <c>after-state</c> (state row written, outbox not yet) and <c>after-outbox</c> (both
    /// written, not committed). Empty when the adapter has none.
    /// </summary>
    public IReadOnlyList<string> FaultPoints { get; init; } = [];

    /// <summary>
    /// Arms the adapter's fault hook so that the next write reaching the named point throws
    /// <see cref="InjectedFaultException"/> (null disarms). Required when <see cref="FaultPoints"/> is not empty.
    /// </summary>
    public Action<string?>? ArmFault { get; init; }

    /// <summary>
    /// Opens another instance over the same database, as a second host would (its own connections,
    /// its own caches). Null: the suite shares this instance between its simulated hosts.
    /// </summary>
    public Func<Task<StoreUnderTest>>? OpenAnotherInstance { get; init; }

    /// <summary>
    /// The application's own access to the store's database, when the adapter runs its calls in the
    /// caller's transaction (<see cref="Persistence.StoreTransaction"/>); the shared-transaction tests
    /// skip their checks without it (the in-memory store does not take part in a caller's transaction).
    /// </summary>
    public CallerDatabase? Caller { get; init; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dispose?.Invoke() ?? ValueTask.CompletedTask;
}
