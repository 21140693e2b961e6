using Microsoft.Data.Sqlite;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<SalesOpportunity?> FindConvertedFromAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default) =>
        ReadOneAsync("SELECT id, version, document FROM opportunities WHERE tenant = $tenant AND source_lead = $lead;", [("$tenant", tenant.Value), ("$lead", lead.Value)], ReadOpportunity, cancellationToken);

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
        var opportunityRow = OpportunityRow(opportunity);
        var leadRow = LeadRow(lead);
        List<OutboxMessage> messages = [.. opportunity.PendingEvents.Concat(lead.PendingEvents).Select(OutboxMessage.FromDomainEvent)];
        var existing = await WriteAsync<SalesOpportunity?>(
            async (connection, transaction) =>
            {
                using (var probe = Command(connection, transaction, "SELECT id, version, document FROM opportunities WHERE tenant = $tenant AND source_lead = $lead;", ("$tenant", lead.Tenant.Value), ("$lead", lead.Id.Value)))
                using (var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return ReadOpportunity(reader);
                    }
                }

                await WriteRowAsync(connection, transaction, opportunityRow, cancellationToken).ConfigureAwait(false);
                Fault("after-state");
                await WriteRowAsync(connection, transaction, leadRow, cancellationToken).ConfigureAwait(false);
                await InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await InsertHistoryAsync(connection, transaction, opportunity, cancellationToken).ConfigureAwait(false);
                await InsertHistoryAsync(connection, transaction, lead, cancellationToken).ConfigureAwait(false);
                Fault("after-outbox");
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

    /// <summary>The id of the opportunity converted from <paramref name="lead"/>, read inside the caller's transaction.</summary>
    private static async Task<string?> FindConvertedFromAsync(SqliteConnection connection, SqliteTransaction transaction, TenantId tenant, LeadId lead, CancellationToken cancellationToken)
    {
        using var probe = Command(connection, transaction, "SELECT id FROM opportunities WHERE tenant = $tenant AND source_lead = $lead;", ("$tenant", tenant.Value), ("$lead", lead.Value));
        return await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }
}
