using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite;

// Temporary: the ports answered by forwarding to the per-port types until SqliteStore derives from StorePorts.
public sealed partial class SqliteStore : ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter, ILeadConversionStore, IRoutingDecisionLog, IRecordQuarantine, IFieldHistory, ILeadMergeStore, IPersonalDataEraser, IPipelineRowSource, Forecasting.IPipelinePushDown, IChangeFeed, IChangeFeedSignal, Forecasts.IForecastSnapshotStore, Forecasts.ISalesTargetStore, Forecasts.IForecastAdjustmentStore, Forecasts.IForecastSnapshotRunStore
{
    /// <inheritdoc />
    public System.Threading.Tasks.Task AddAsync(Opportunity.Leads.Lead lead, System.Threading.CancellationToken cancellationToken = default) => _leads.AddAsync(lead, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task AddAsync(Opportunity.Pipelines.SalesOpportunity opportunity, System.Threading.CancellationToken cancellationToken = default) => _opportunities.AddAsync(opportunity, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task AppendAsync(Opportunity.TenantId tenant, Opportunity.Persistence.RoutingDecisionRecord record, System.Threading.CancellationToken cancellationToken = default) => _decisionLog.AppendAsync(tenant, record, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Persistence.OutboxMessage>> ClaimAsync(Opportunity.Persistence.DueWorkClaim claim, System.Threading.CancellationToken cancellationToken = default) => _outbox.ClaimAsync(claim, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> CompleteAsync(string messageId, string owner, NodaTime.Instant at, System.Collections.Generic.IEnumerable<Opportunity.Persistence.OutboxMessage>? followUps = null, System.Threading.CancellationToken cancellationToken = default) => _outbox.CompleteAsync(messageId, owner, at, followUps, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Pipelines.SalesOpportunity> ConvertAsync(Opportunity.Leads.Lead lead, Opportunity.Pipelines.SalesOpportunity opportunity, System.Threading.CancellationToken cancellationToken = default) => _conversions.ConvertAsync(lead, opportunity, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> DeadLetterAsync(string messageId, string owner, string reason, NodaTime.Instant at, System.Threading.CancellationToken cancellationToken = default) => _outbox.DeadLetterAsync(messageId, owner, reason, at, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task EnqueueAsync(System.Collections.Generic.IEnumerable<Opportunity.Persistence.OutboxMessage> messages, System.Threading.CancellationToken cancellationToken = default) => _outbox.EnqueueAsync(messages, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Leads.Lead?> FindAsync(Opportunity.AccessScope scope, Opportunity.LeadId id, System.Threading.CancellationToken cancellationToken = default) => _leads.FindAsync(scope, id, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Pipelines.SalesOpportunity?> FindAsync(Opportunity.AccessScope scope, Opportunity.OpportunityId id, System.Threading.CancellationToken cancellationToken = default) => _opportunities.FindAsync(scope, id, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Partners.Partner?> FindAsync(Opportunity.TenantId tenant, Opportunity.PartnerId id, System.Threading.CancellationToken cancellationToken = default) => _partners.FindAsync(tenant, id, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Pipelines.SalesOpportunity?> FindConvertedFromAsync(Opportunity.TenantId tenant, Opportunity.LeadId lead, System.Threading.CancellationToken cancellationToken = default) => _conversions.FindConvertedFromAsync(tenant, lead, cancellationToken);
    /// <inheritdoc />
    public System.Collections.Generic.IAsyncEnumerable<Opportunity.Leads.Lead> FindDuplicateCandidatesAsync(Opportunity.AccessScope scope, Opportunity.Leads.DuplicateKeys keys, System.Threading.CancellationToken cancellationToken = default) => _leads.FindDuplicateCandidatesAsync(scope, keys, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Persistence.RoutingDecisionRecord>> ForLeadAsync(Opportunity.TenantId tenant, Opportunity.LeadId lead, System.Threading.CancellationToken cancellationToken = default) => _decisionLog.ForLeadAsync(tenant, lead, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Persistence.OutboxBacklog> GetBacklogAsync(System.Threading.CancellationToken cancellationToken = default) => _outbox.GetBacklogAsync(cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.ValidationResult<int>> ImportAsync(Opportunity.Persistence.OpportunityImportBatch batch, System.Threading.CancellationToken cancellationToken = default) => _importer.ImportAsync(batch, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.ValidationResult<int>> ImportAsync(System.Collections.Generic.IEnumerable<Opportunity.Pipelines.SalesOpportunitySnapshot> opportunities, System.Threading.CancellationToken cancellationToken = default) => _importer.ImportAsync(opportunities, cancellationToken);
    /// <inheritdoc />
    public System.Collections.Generic.IAsyncEnumerable<Opportunity.Partners.Partner> ListAsync(Opportunity.TenantId tenant, System.Threading.CancellationToken cancellationToken = default) => _partners.ListAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Persistence.DeadLetter>> ListDeadLettersAsync(Opportunity.TenantId? tenant = null, System.Threading.CancellationToken cancellationToken = default) => _outbox.ListDeadLettersAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Persistence.PartnerLoadCount>> ListPartnerLoadAsync(Opportunity.TenantId tenant, System.Threading.CancellationToken cancellationToken = default) => _leads.ListPartnerLoadAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Persistence.OutboxMessage>> ListPendingAsync(System.Threading.CancellationToken cancellationToken = default) => _outbox.ListPendingAsync(cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Persistence.QuarantinedRecord>> ListQuarantinedAsync(Opportunity.TenantId? tenant = null, System.Threading.CancellationToken cancellationToken = default) => _quarantine.ListQuarantinedAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<int> PurgeDeliveredAsync(NodaTime.Instant olderThan, int maxMessages, System.Threading.CancellationToken cancellationToken = default) => _outbox.PurgeDeliveredAsync(olderThan, maxMessages, cancellationToken);
    /// <inheritdoc />
    public System.Collections.Generic.IAsyncEnumerable<Opportunity.Leads.Lead> QueryAsync(Opportunity.AccessScope scope, Opportunity.Persistence.LeadQuery query, System.Threading.CancellationToken cancellationToken = default) => _leads.QueryAsync(scope, query, cancellationToken);
    /// <inheritdoc />
    public System.Collections.Generic.IAsyncEnumerable<Opportunity.Pipelines.SalesOpportunity> QueryAsync(Opportunity.AccessScope scope, Opportunity.Persistence.OpportunityQuery query, System.Threading.CancellationToken cancellationToken = default) => _opportunities.QueryAsync(scope, query, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> ReleaseAsync(Opportunity.TenantId tenant, Opportunity.Persistence.StoredRecordKind kind, string id, System.Threading.CancellationToken cancellationToken = default) => _quarantine.ReleaseAsync(tenant, kind, id, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> RenewLeaseAsync(string messageId, string owner, NodaTime.Instant until, System.Threading.CancellationToken cancellationToken = default) => _outbox.RenewLeaseAsync(messageId, owner, until, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> RequeueDeadLetterAsync(string messageId, NodaTime.Instant now, System.Threading.CancellationToken cancellationToken = default) => _outbox.RequeueDeadLetterAsync(messageId, now, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> RetryLaterAsync(string messageId, string owner, NodaTime.Instant nextAttemptAt, string error, System.Threading.CancellationToken cancellationToken = default) => _outbox.RetryLaterAsync(messageId, owner, nextAttemptAt, error, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task UpdateAsync(Opportunity.Leads.Lead lead, System.Threading.CancellationToken cancellationToken = default) => _leads.UpdateAsync(lead, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task UpdateAsync(Opportunity.Pipelines.SalesOpportunity opportunity, System.Threading.CancellationToken cancellationToken = default) => _opportunities.UpdateAsync(opportunity, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task UpsertAsync(Opportunity.Partners.Partner partner, System.Threading.CancellationToken cancellationToken = default) => _partners.UpsertAsync(partner, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Forecasting.PipelineGroupTotal>> AggregatePipelineAsync(Opportunity.AccessScope scope, Opportunity.Forecasting.PipelineGrouping grouping, Opportunity.Forecasting.PipelineSnapshotOptions? options = null, System.Threading.CancellationToken cancellationToken = default) => _pushDown.AggregatePipelineAsync(scope, grouping, options, cancellationToken);
    /// <inheritdoc />
    public System.Collections.Generic.IAsyncEnumerable<Opportunity.Persistence.StoredPipelineRow> ReadPipelineRowsAsync(Opportunity.AccessScope scope, bool includeClosedWon, System.Threading.CancellationToken cancellationToken = default) => _opportunities.ReadPipelineRowsAsync(scope, includeClosedWon, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Forecasting.ForecastSnapshot>> ListAsync(Opportunity.TenantId tenant, Opportunity.Forecasting.ForecastPeriod period, Opportunity.Forecasting.ForecastScope scope = default, System.Threading.CancellationToken cancellationToken = default) => _forecastSnapshots.ListAsync(tenant, period, scope, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task SaveAsync(Opportunity.TenantId tenant, Opportunity.Forecasting.ForecastSnapshot snapshot, System.Threading.CancellationToken cancellationToken = default) => _forecastSnapshots.SaveAsync(tenant, snapshot, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> DeleteTargetAsync(Opportunity.TenantId tenant, Opportunity.Forecasting.ForecastPeriod period, Opportunity.Forecasting.ForecastScope scope = default, System.Threading.CancellationToken cancellationToken = default) => _targets.DeleteTargetAsync(tenant, period, scope, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Forecasting.SalesTarget?> FindTargetAsync(Opportunity.TenantId tenant, Opportunity.Forecasting.ForecastPeriod period, Opportunity.Forecasting.ForecastScope scope = default, System.Threading.CancellationToken cancellationToken = default) => _targets.FindTargetAsync(tenant, period, scope, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Forecasting.SalesTarget>> ListTargetsAsync(Opportunity.TenantId tenant, Opportunity.Forecasting.ForecastPeriod period, System.Threading.CancellationToken cancellationToken = default) => _targets.ListTargetsAsync(tenant, period, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task SaveTargetAsync(Opportunity.TenantId tenant, Opportunity.Forecasting.SalesTarget target, System.Threading.CancellationToken cancellationToken = default) => _targets.SaveTargetAsync(tenant, target, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Persistence.ChangeFeedBatch> ReadChangesAsync(Opportunity.TenantId tenant, Opportunity.Persistence.ChangeFeedPosition after, int maxCount, System.Threading.CancellationToken cancellationToken = default) => _changeFeed.ReadChangesAsync(tenant, after, maxCount, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Persistence.ChangeFeedPosition> ReadHeadAsync(Opportunity.TenantId tenant, System.Threading.CancellationToken cancellationToken = default) => _changeFeed.ReadHeadAsync(tenant, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.IAsyncDisposable> SubscribeAsync(System.Action<Opportunity.TenantId?> changed, System.Threading.CancellationToken cancellationToken = default) => _changeFeed.SubscribeAsync(changed, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<int> TrimAsync(Opportunity.TenantId tenant, Opportunity.Persistence.ChangeFeedPosition upTo, System.Threading.CancellationToken cancellationToken = default) => _changeFeed.TrimAsync(tenant, upTo, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.FieldHistoryPage> ReadHistoryAsync(Opportunity.TenantId tenant, Opportunity.AuditedRecord record, Opportunity.FieldHistoryCursor? after = null, int maxChanges = 100, System.Threading.CancellationToken cancellationToken = default) => _fieldHistory.ReadHistoryAsync(tenant, record, after, maxChanges, cancellationToken);
    /// <inheritdoc />
    public System.Collections.Generic.IAsyncEnumerable<Opportunity.Pipelines.SalesOpportunity> FindByCustomerKeysAsync(Opportunity.AccessScope scope, Opportunity.Leads.DuplicateKeys keys, System.Threading.CancellationToken cancellationToken = default) => _opportunities.FindByCustomerKeysAsync(scope, keys, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task MergeAsync(Opportunity.Leads.Lead survivor, Opportunity.Leads.Lead merged, System.Threading.CancellationToken cancellationToken = default) => _merges.MergeAsync(survivor, merged, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<int> EraseAsync(Opportunity.Persistence.PersonalDataErasure erasure, System.Threading.CancellationToken cancellationToken = default) => _eraser.EraseAsync(erasure, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task AddAdjustmentAsync(Opportunity.TenantId tenant, Opportunity.Forecasting.ForecastAdjustment adjustment, System.Threading.CancellationToken cancellationToken = default) => _forecastAdjustments.AddAdjustmentAsync(tenant, adjustment, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Opportunity.Forecasting.ForecastAdjustment>> ListAdjustmentsAsync(Opportunity.TenantId tenant, Opportunity.Forecasting.ForecastPeriod period, string? node = null, System.Threading.CancellationToken cancellationToken = default) => _forecastAdjustments.ListAdjustmentsAsync(tenant, period, node, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> TryClaimRunAsync(Opportunity.TenantId tenant, NodaTime.LocalDate takenOn, string owner, NodaTime.Instant now, NodaTime.Duration lease, System.Threading.CancellationToken cancellationToken = default) => _forecastSnapshotRuns.TryClaimRunAsync(tenant, takenOn, owner, now, lease, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<bool> CompleteRunAsync(Opportunity.TenantId tenant, NodaTime.LocalDate takenOn, string owner, System.Collections.Generic.IReadOnlyList<Opportunity.Forecasting.ForecastSnapshot> snapshots, NodaTime.Instant now, System.Threading.CancellationToken cancellationToken = default) => _forecastSnapshotRuns.CompleteRunAsync(tenant, takenOn, owner, snapshots, now, cancellationToken);
    /// <inheritdoc />
    public System.Threading.Tasks.Task<Opportunity.Persistence.Forecasts.ForecastSnapshotRun?> FindRunAsync(Opportunity.TenantId tenant, NodaTime.LocalDate takenOn, System.Threading.CancellationToken cancellationToken = default) => _forecastSnapshotRuns.FindRunAsync(tenant, takenOn, cancellationToken);
    /// <inheritdoc />
    Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) => ((ILeadStore)_leads).ClaimDueAsync(claim, cancellationToken);

    /// <inheritdoc />
    Task<DueWorkBatch<Lead>> ILeadStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) => ((ILeadStore)_leads).ClaimDueBatchAsync(claim, cancellationToken);

    /// <inheritdoc />
    Task<IReadOnlyList<SalesOpportunity>> IOpportunityStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) => ((IOpportunityStore)_opportunities).ClaimDueAsync(claim, cancellationToken);

    /// <inheritdoc />
    Task<DueWorkBatch<SalesOpportunity>> IOpportunityStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) => ((IOpportunityStore)_opportunities).ClaimDueBatchAsync(claim, cancellationToken);
}
