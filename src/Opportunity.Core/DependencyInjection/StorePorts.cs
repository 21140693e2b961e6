using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;

namespace Opportunity;

/// <summary>
/// The ports one storage adapter provides, one object per port over one database: what
/// <see cref="OpportunityManagementBuilder.UseStorePorts{TPorts}"/> registers and what the conformance
/// suite tests. The five ports every store has are abstract; the others are <see langword="null"/> when the
/// adapter has none. The SQL adapters' stores (<c>SqliteStore</c>, <c>PostgreSqlStore</c>) derive from it:
/// the store owns the connections, transactions and outbox, and each property is a small type holding one
/// port's SQL (<c>store.Leads.AddAsync(lead)</c>). A store that implements every port itself, as
/// <see cref="Persistence.InMemory.InMemoryStore"/> does, is wrapped by <see cref="Of{TStore}"/>.
/// </summary>
/// <remarks>
/// Two capabilities are not ports of their own: the pipeline row stream (<see cref="IPipelineRowSource"/>)
/// belongs to the opportunity store, and the wake-up (<see cref="IChangeFeedSignal"/>) to the change feed;
/// their readers test for them on <see cref="Opportunities"/> and <see cref="ChangeFeed"/>.
/// </remarks>
public abstract class StorePorts
{
    /// <summary>The lead store.</summary>
    public abstract ILeadStore Leads { get; }

    /// <summary>The opportunity store; also an <see cref="IPipelineRowSource"/> when the adapter streams pipeline rows from its columns.</summary>
    public abstract IOpportunityStore Opportunities { get; }

    /// <summary>The partner directory.</summary>
    public abstract IPartnerDirectory Partners { get; }

    /// <summary>The outbox every write appends its events to.</summary>
    public abstract IOutboxStore Outbox { get; }

    /// <summary>The bulk importer (all or nothing).</summary>
    public abstract IOpportunityImporter Importer { get; }

    /// <summary>Exactly-once lead conversion (the lead and its opportunity in one transaction); <see langword="null"/> when the adapter has none.</summary>
    public virtual ILeadConversionStore? Conversions => null;

    /// <summary>Lead merges in one transaction; <see langword="null"/> when the adapter has none.</summary>
    public virtual ILeadMergeStore? Merges => null;

    /// <summary>The routing decision log; <see langword="null"/> leaves the in-memory log.</summary>
    public virtual IRoutingDecisionLog? DecisionLog => null;

    /// <summary>The operators' list of quarantined records; <see langword="null"/> when the adapter quarantines nothing.</summary>
    public virtual IRecordQuarantine? Quarantine => null;

    /// <summary>The field history written by the saves; <see langword="null"/> when the adapter keeps none.</summary>
    public virtual IFieldHistory? FieldHistory => null;

    /// <summary>Erasure of a customer's personal data; <see langword="null"/> when the adapter cannot erase.</summary>
    public virtual IPersonalDataEraser? Eraser => null;

    /// <summary>The weighted pipeline computed in the database; <see langword="null"/> when the adapter has no push-down.</summary>
    public virtual IPipelinePushDown? PushDown => null;

    /// <summary>The ordered feed of committed changes; <see langword="null"/> when the adapter has none.</summary>
    public virtual IChangeFeed? ChangeFeed => null;

    /// <summary>The schema version and migration state; <see langword="null"/> when the adapter has no schema.</summary>
    public virtual IStoreSchema? Schema => null;

    /// <summary>Stored forecast snapshots; <see langword="null"/> leaves the in-memory store.</summary>
    public virtual IForecastSnapshotStore? ForecastSnapshots => null;

    /// <summary>Stored sales targets; <see langword="null"/> leaves the in-memory store.</summary>
    public virtual ISalesTargetStore? Targets => null;

    /// <summary>Stored forecast adjustments; <see langword="null"/> leaves the in-memory store.</summary>
    public virtual IForecastAdjustmentStore? ForecastAdjustments => null;

    /// <summary>The scheduled forecast snapshot runs; <see langword="null"/> leaves the in-memory store.</summary>
    public virtual IForecastSnapshotRunStore? ForecastSnapshotRuns => null;

    /// <summary>
    /// The ports of one object that implements every required port itself (the in-memory store, or an
    /// adapter of your own written as one class); each optional port is the object when it implements it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    public static StorePorts Of<TStore>(TStore store)
        where TStore : class, ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter
    {
        ArgumentNullException.ThrowIfNull(store);
        return store as StorePorts ?? new SingleObjectPorts(store);
    }

    private sealed class SingleObjectPorts(object store) : StorePorts
    {
        public override ILeadStore Leads => (ILeadStore)store;

        public override IOpportunityStore Opportunities => (IOpportunityStore)store;

        public override IPartnerDirectory Partners => (IPartnerDirectory)store;

        public override IOutboxStore Outbox => (IOutboxStore)store;

        public override IOpportunityImporter Importer => (IOpportunityImporter)store;

        public override ILeadConversionStore? Conversions => store as ILeadConversionStore;

        public override ILeadMergeStore? Merges => store as ILeadMergeStore;

        public override IRoutingDecisionLog? DecisionLog => store as IRoutingDecisionLog;

        public override IRecordQuarantine? Quarantine => store as IRecordQuarantine;

        public override IFieldHistory? FieldHistory => store as IFieldHistory;

        public override IPersonalDataEraser? Eraser => store as IPersonalDataEraser;

        public override IPipelinePushDown? PushDown => store as IPipelinePushDown;

        public override IChangeFeed? ChangeFeed => store as IChangeFeed;

        public override IStoreSchema? Schema => store as IStoreSchema;

        public override IForecastSnapshotStore? ForecastSnapshots => store as IForecastSnapshotStore;

        public override ISalesTargetStore? Targets => store as ISalesTargetStore;

        public override IForecastAdjustmentStore? ForecastAdjustments => store as IForecastAdjustmentStore;

        public override IForecastSnapshotRunStore? ForecastSnapshotRuns => store as IForecastSnapshotRunStore;
    }
}
