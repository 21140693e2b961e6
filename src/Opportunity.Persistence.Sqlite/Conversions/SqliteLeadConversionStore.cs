using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The lead conversion of a <see cref="SqliteStore"/>: a lead and the opportunity converted from it written in one transaction, one opportunity per lead.</summary>
internal sealed class SqliteLeadConversionStore(SqliteStore store) : ILeadConversionStore
{
    /// <inheritdoc />
    public Task<SalesOpportunity?> FindConvertedFromAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default) =>
        store.ReadOneAsync("SELECT id, version, document FROM opportunities WHERE tenant = $tenant AND source_lead = $lead;", [("$tenant", tenant.Value), ("$lead", lead.Value)], r => OpportunityRows.ReadOpportunity(store.Pipelines, r), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One write transaction (BEGIN IMMEDIATE, so hosts sharing the file take turns): looks for an
    /// opportunity converted from the lead, else inserts the opportunity (its <c>source_lead</c>
    /// column unique per tenant), updates the lead version-checked and appends both aggregates'
    /// events to the outbox. The fault hook's <c>after-state</c> point lies between the two writes.
    /// </remarks>
    public async Task<SalesOpportunity> ConvertAsync(Lead lead, SalesOpportunity opportunity, CancellationToken cancellationToken = default)
    {
        LeadConversionRules.Check(lead, opportunity);
        var opportunityRow = OpportunityRows.OpportunityRow(opportunity);
        var leadRow = LeadRows.LeadRow(lead);
        List<OutboxMessage> messages = [.. opportunity.PendingEvents.Concat(lead.PendingEvents).Select(OutboxMessage.FromDomainEvent)];
        var existing = await store.WriteAsync<SalesOpportunity?>(
            async (connection, transaction) =>
            {
                using (var probe = Command(connection, transaction, "SELECT id, version, document FROM opportunities WHERE tenant = $tenant AND source_lead = $lead;", ("$tenant", lead.Tenant.Value), ("$lead", lead.Id.Value)))
                using (var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return OpportunityRows.ReadOpportunity(store.Pipelines, reader);
                    }
                }

                await SqliteStore.WriteRowAsync(connection, transaction, opportunityRow, cancellationToken).ConfigureAwait(false);
                store.Fault("after-state");
                await SqliteStore.WriteRowAsync(connection, transaction, leadRow, cancellationToken).ConfigureAwait(false);
                await OutboxRows.InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await store.InsertHistoryAsync(connection, transaction, opportunity, cancellationToken).ConfigureAwait(false);
                await store.InsertHistoryAsync(connection, transaction, lead, cancellationToken).ConfigureAwait(false);
                store.Fault("after-outbox");
                return null;
            },
            cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }

        opportunity.MarkCommitted(1);
        lead.MarkCommitted(lead.Version + 1);
        return opportunity;
    }
}
