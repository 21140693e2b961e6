using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Persistence.PostgreSql;

// Temporary, until Core's StorePorts lands: the store still answers for every port by handing each
// call to the port's own type.
public sealed partial class PostgreSqlStore : ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter, ILeadConversionStore, ILeadMergeStore, IRoutingDecisionLog, IRecordQuarantine, IFieldHistory, IPersonalDataEraser, IPipelineRowSource, IPipelinePushDown, IChangeFeed, IChangeFeedSignal, IForecastSnapshotStore, ISalesTargetStore, IForecastAdjustmentStore, IForecastSnapshotRunStore
{
    /// <inheritdoc />
    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default) => Leads.FindAsync(scope, id, cancellationToken);
    /// <inheritdoc />
    public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default) => Leads.QueryAsync(scope, query, cancellationToken);
    /// <inheritdoc />
    public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default) => Leads.FindDuplicateCandidatesAsync(scope, keys, cancellationToken);
    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => Leads.AddAsync(lead, cancellationToken);
    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => Leads.UpdateAsync(lead, cancellationToken);
    Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) => Leads.ClaimDueAsync(claim, cancellationToken);
    Task<DueWorkBatch<Lead>> ILeadStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) => Leads.ClaimDueBatchAsync(claim, cancellationToken);
    /// <inheritdoc />
    public Task<IReadOnlyList<PartnerLoadCount>> ListPartnerLoadAsync(TenantId tenant, CancellationToken cancellationToken = default) => Leads.ListPartnerLoadAsync(tenant, cancellationToken);

    /// <inheritdoc />
    public Task<SalesOpportunity?> FindAsync(AccessScope scope, OpportunityId id, CancellationToken cancellationToken = default) => Opportunities.FindAsync(scope, id, cancellationToken);
    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> QueryAsync(AccessScope scope, OpportunityQuery query, CancellationToken cancellationToken = default) => Opportunities.QueryAsync(scope, query, cancellationToken);
    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> FindByCustomerKeysAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default) => Opportunities.FindByCustomerKeysAsync(scope, keys, cancellationToken);
    /// <inheritdoc />
    public Task AddAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default) => Opportunities.AddAsync(opportunity, cancellationToken);
    /// <inheritdoc />
    public Task UpdateAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default) => Opportunities.UpdateAsync(opportunity, cancellationToken);
    Task<IReadOnlyList<SalesOpportunity>> IOpportunityStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) => Opportunities.ClaimDueAsync(claim, cancellationToken);
    Task<DueWorkBatch<SalesOpportunity>> IOpportunityStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) => Opportunities.ClaimDueBatchAsync(claim, cancellationToken);

    /// <inheritdoc />
    public Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default) => Partners.FindAsync(tenant, id, cancellationToken);
    /// <inheritdoc />
    public IAsyncEnumerable<Partner> ListAsync(TenantId tenant, CancellationToken cancellationToken = default) => Partners.ListAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default) => Partners.UpsertAsync(partner, cancellationToken);

    /// <inheritdoc />
    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default) => Outbox.EnqueueAsync(messages, cancellationToken);
    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) => Outbox.ClaimAsync(claim, cancellationToken);
    /// <inheritdoc />
    public Task<bool> CompleteAsync(string messageId, string owner, Instant at, IEnumerable<OutboxMessage>? followUps = null, CancellationToken cancellationToken = default) => Outbox.CompleteAsync(messageId, owner, at, followUps, cancellationToken);
    /// <inheritdoc />
    public Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default) => Outbox.RenewLeaseAsync(messageId, owner, until, cancellationToken);
    /// <inheritdoc />
    public Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default) => Outbox.RetryLaterAsync(messageId, owner, nextAttemptAt, error, cancellationToken);
    /// <inheritdoc />
    public Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default) => Outbox.DeadLetterAsync(messageId, owner, reason, at, cancellationToken);
    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) => Outbox.ListDeadLettersAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default) => Outbox.RequeueDeadLetterAsync(messageId, now, cancellationToken);
    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default) => Outbox.ListPendingAsync(cancellationToken);
    /// <inheritdoc />
    public Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken = default) => Outbox.GetBacklogAsync(cancellationToken);
    /// <inheritdoc />
    public Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default) => Outbox.PurgeDeliveredAsync(olderThan, maxMessages, cancellationToken);

    /// <inheritdoc />
    public Task<ValidationResult<int>> ImportAsync(OpportunityImportBatch batch, CancellationToken cancellationToken = default) => Importer.ImportAsync(batch, cancellationToken);
    /// <inheritdoc />
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default) => Importer.ImportAsync(opportunities, cancellationToken);

    /// <inheritdoc />
    public Task<SalesOpportunity?> FindConvertedFromAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default) => Conversions.FindConvertedFromAsync(tenant, lead, cancellationToken);
    /// <inheritdoc />
    public Task<SalesOpportunity> ConvertAsync(Lead lead, SalesOpportunity opportunity, CancellationToken cancellationToken = default) => Conversions.ConvertAsync(lead, opportunity, cancellationToken);

    /// <inheritdoc />
    public Task MergeAsync(Lead survivor, Lead merged, CancellationToken cancellationToken = default) => Merges.MergeAsync(survivor, merged, cancellationToken);

    /// <inheritdoc />
    public Task AppendAsync(TenantId tenant, RoutingDecisionRecord record, CancellationToken cancellationToken = default) => DecisionLog.AppendAsync(tenant, record, cancellationToken);
    /// <inheritdoc />
    public Task<IReadOnlyList<RoutingDecisionRecord>> ForLeadAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default) => DecisionLog.ForLeadAsync(tenant, lead, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<QuarantinedRecord>> ListQuarantinedAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) => Quarantine.ListQuarantinedAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public Task<bool> ReleaseAsync(TenantId tenant, StoredRecordKind kind, string id, CancellationToken cancellationToken = default) => Quarantine.ReleaseAsync(tenant, kind, id, cancellationToken);

    /// <inheritdoc />
    public Task<FieldHistoryPage> ReadHistoryAsync(TenantId tenant, AuditedRecord record, FieldHistoryCursor? after = null, int maxChanges = 100, CancellationToken cancellationToken = default) => FieldHistory.ReadHistoryAsync(tenant, record, after, maxChanges, cancellationToken);

    /// <inheritdoc />
    public Task<int> EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken = default) => Eraser.EraseAsync(erasure, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PipelineGroupTotal>> AggregatePipelineAsync(AccessScope scope, PipelineGrouping grouping, PipelineSnapshotOptions? options = null, CancellationToken cancellationToken = default) => PushDown.AggregatePipelineAsync(scope, grouping, options, cancellationToken);

    /// <inheritdoc />
    public Task<ChangeFeedBatch> ReadChangesAsync(TenantId tenant, ChangeFeedPosition after, int maxCount, CancellationToken cancellationToken = default) => ChangeFeed.ReadChangesAsync(tenant, after, maxCount, cancellationToken);
    /// <inheritdoc />
    public Task<ChangeFeedPosition> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken = default) => ChangeFeed.ReadHeadAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public Task<int> TrimAsync(TenantId tenant, ChangeFeedPosition upTo, CancellationToken cancellationToken = default) => ChangeFeed.TrimAsync(tenant, upTo, cancellationToken);

    /// <inheritdoc />
    public Task<IAsyncDisposable> SubscribeAsync(Action<TenantId?> changed, CancellationToken cancellationToken = default) => ((IChangeFeedSignal)ChangeFeed).SubscribeAsync(changed, cancellationToken);

    /// <inheritdoc />
    public Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default) => ForecastSnapshots.SaveAsync(tenant, snapshot, cancellationToken);
    /// <inheritdoc />
    public Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) => ForecastSnapshots.ListAsync(tenant, period, scope, cancellationToken);

    /// <inheritdoc />
    public Task SaveTargetAsync(TenantId tenant, SalesTarget target, CancellationToken cancellationToken = default) => Targets.SaveTargetAsync(tenant, target, cancellationToken);
    /// <inheritdoc />
    public Task<SalesTarget?> FindTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) => Targets.FindTargetAsync(tenant, period, scope, cancellationToken);
    /// <inheritdoc />
    public Task<IReadOnlyList<SalesTarget>> ListTargetsAsync(TenantId tenant, ForecastPeriod period, CancellationToken cancellationToken = default) => Targets.ListTargetsAsync(tenant, period, cancellationToken);
    /// <inheritdoc />
    public Task<bool> DeleteTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) => Targets.DeleteTargetAsync(tenant, period, scope, cancellationToken);

    /// <inheritdoc />
    public Task AddAdjustmentAsync(TenantId tenant, ForecastAdjustment adjustment, CancellationToken cancellationToken = default) => ForecastAdjustments.AddAdjustmentAsync(tenant, adjustment, cancellationToken);
    /// <inheritdoc />
    public Task<IReadOnlyList<ForecastAdjustment>> ListAdjustmentsAsync(TenantId tenant, ForecastPeriod period, string? node = null, CancellationToken cancellationToken = default) => ForecastAdjustments.ListAdjustmentsAsync(tenant, period, node, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryClaimRunAsync(TenantId tenant, LocalDate takenOn, string owner, Instant now, Duration lease, CancellationToken cancellationToken = default) => ForecastSnapshotRuns.TryClaimRunAsync(tenant, takenOn, owner, now, lease, cancellationToken);
    /// <inheritdoc />
    public Task<bool> CompleteRunAsync(TenantId tenant, LocalDate takenOn, string owner, IReadOnlyList<ForecastSnapshot> snapshots, Instant now, CancellationToken cancellationToken = default) => ForecastSnapshotRuns.CompleteRunAsync(tenant, takenOn, owner, snapshots, now, cancellationToken);
    /// <inheritdoc />
    public Task<ForecastSnapshotRun?> FindRunAsync(TenantId tenant, LocalDate takenOn, CancellationToken cancellationToken = default) => ForecastSnapshotRuns.FindRunAsync(tenant, takenOn, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) => ((IPipelineRowSource)Opportunities).ReadPipelineRowsAsync(scope, includeClosedWon, cancellationToken);
}
