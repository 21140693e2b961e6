using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;

namespace Opportunity.Persistence.PostgreSql;

// The ports: each a small type with its own SQL over this store's connections, transactions and outbox.
public sealed partial class PostgreSqlStore
{
    private readonly PostgreSqlLeadStore _leads;
    private readonly PostgreSqlOpportunityStore _opportunities;
    private readonly PostgreSqlPartnerDirectory _partners;
    private readonly PostgreSqlOutboxStore _outbox;
    private readonly PostgreSqlOpportunityImporter _importer;
    private readonly PostgreSqlLeadConversionStore _conversions;
    private readonly PostgreSqlLeadMergeStore _merges;
    private readonly PostgreSqlRoutingDecisionLog _decisionLog;
    private readonly PostgreSqlRecordQuarantine _quarantine;
    private readonly PostgreSqlFieldHistory _fieldHistory;
    private readonly PostgreSqlPersonalDataEraser _eraser;
    private readonly PostgreSqlPipelinePushDown _pushDown;
    private readonly PostgreSqlChangeFeed _changeFeed;
    private readonly PostgreSqlForecastSnapshotStore _forecastSnapshots;
    private readonly PostgreSqlSalesTargetStore _targets;
    private readonly PostgreSqlForecastAdjustmentStore _forecastAdjustments;
    private readonly PostgreSqlForecastSnapshotRunStore _forecastSnapshotRuns;

    /// <summary>The leads, over this store's database.</summary>
    public override ILeadStore Leads => _leads;

    /// <summary>The opportunities (their pipeline rows too: <see cref="IPipelineRowSource"/>), over this store's database.</summary>
    public override IOpportunityStore Opportunities => _opportunities;

    /// <summary>The partners, over this store's database.</summary>
    public override IPartnerDirectory Partners => _partners;

    /// <summary>The outbox, over this store's database.</summary>
    public override IOutboxStore Outbox => _outbox;

    /// <summary>The bulk import, over this store's database.</summary>
    public override IOpportunityImporter Importer => _importer;

    /// <summary>The lead conversions, over this store's database.</summary>
    public override ILeadConversionStore Conversions => _conversions;

    /// <summary>The lead merges, over this store's database.</summary>
    public override ILeadMergeStore Merges => _merges;

    /// <summary>The routing decision log, over this store's database.</summary>
    public override IRoutingDecisionLog DecisionLog => _decisionLog;

    /// <summary>The quarantine, over this store's database.</summary>
    public override IRecordQuarantine Quarantine => _quarantine;

    /// <summary>The field history, over this store's database.</summary>
    public override IFieldHistory FieldHistory => _fieldHistory;

    /// <summary>The personal-data erasure, over this store's database.</summary>
    public override IPersonalDataEraser Eraser => _eraser;

    /// <summary>The weighted pipeline grouped in SQL, over this store's database.</summary>
    public override IPipelinePushDown PushDown => _pushDown;

    /// <summary>The change feed (with its <c>LISTEN/NOTIFY</c> wake-up: <see cref="IChangeFeedSignal"/>), over this store's database.</summary>
    public override IChangeFeed ChangeFeed => _changeFeed;

    /// <summary>The forecast snapshots, over this store's database.</summary>
    public override IForecastSnapshotStore ForecastSnapshots => _forecastSnapshots;

    /// <summary>The sales targets, over this store's database.</summary>
    public override ISalesTargetStore Targets => _targets;

    /// <summary>The forecast adjustments, over this store's database.</summary>
    public override IForecastAdjustmentStore ForecastAdjustments => _forecastAdjustments;

    /// <summary>The store itself: the schema's migrations are the database's, not one port's.</summary>
    public override IStoreSchema Schema => this;

    /// <summary>The scheduled snapshot runs, over this store's database.</summary>
    public override IForecastSnapshotRunStore ForecastSnapshotRuns => _forecastSnapshotRuns;
}
