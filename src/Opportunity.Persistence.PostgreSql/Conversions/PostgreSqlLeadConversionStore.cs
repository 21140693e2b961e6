using Npgsql;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.PostgreSql.LeadRows;
using static Opportunity.Persistence.PostgreSql.OpportunityRows;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Lead conversion (<see cref="ILeadConversionStore"/>) of a <see cref="PostgreSqlStore"/>: the opportunity and the converted lead in one transaction, one opportunity per lead.</summary>
internal sealed class PostgreSqlLeadConversionStore(PostgreSqlStore db) : ILeadConversionStore
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    public Task<SalesOpportunity?> FindConvertedFromAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default) =>
        db.ReadOneAsync(DbScope.Of(tenant), $"SELECT id, version, document::text FROM {_schema}.opportunities WHERE tenant = $1 AND source_lead = $2;", [tenant.Value, lead.Value], db.ReadOpportunity, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One transaction of the lead's tenant: looks for an opportunity converted from the lead, else
    /// inserts the opportunity, updates the lead version-checked and appends both aggregates' events
    /// to the outbox. Two hosts racing past the look-up meet at the unique index on
    /// <c>(tenant, source_lead)</c>: the second insert waits for the first transaction and fails
    /// when it commits; its transaction rolls back and it returns the winner's opportunity. The
    /// fault hook's <c>after-state</c> point lies between the two writes.
    /// </remarks>
    public async Task<SalesOpportunity> ConvertAsync(Lead lead, SalesOpportunity opportunity, CancellationToken cancellationToken = default)
    {
        LeadConversionRules.Check(lead, opportunity);
        var opportunityRow = OpportunityRow(opportunity);
        var leadRow = LeadRow(lead);
        List<OutboxMessage> messages = [.. opportunity.PendingEvents.Concat(lead.PendingEvents).Select(OutboxMessage.FromDomainEvent)];
        SalesOpportunity? existing;
        try
        {
            existing = await db.RunAsync<SalesOpportunity?>(
                DbScope.Of(lead.Tenant),
                async (connection, transaction) =>
                {
                    using (var probe = Command(connection, transaction, $"SELECT id, version, document::text FROM {_schema}.opportunities WHERE tenant = $1 AND source_lead = $2;", [lead.Tenant.Value, lead.Id.Value]))
                    using (var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            return db.ReadOpportunity(reader);
                        }
                    }

                    await db.WriteRowAsync(connection, transaction, opportunityRow, cancellationToken).ConfigureAwait(false);
                    db.Fault("after-state");
                    await db.WriteRowAsync(connection, transaction, leadRow, cancellationToken).ConfigureAwait(false);
                    await db.InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                    await db.InsertHistoryAsync(connection, transaction, [opportunity, lead], cancellationToken).ConfigureAwait(false);
                    db.Fault("after-outbox");
                    return null;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (PostgreSqlStore.IsSourceLeadTaken(ex))
        {
            // Another host converted the lead first; our transaction rolled back, theirs committed.
            return await FindConvertedFromAsync(lead.Tenant, lead.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Lead '{lead.Id}' was converted concurrently, but its opportunity cannot be read.", ex);
        }

        if (existing is not null)
        {
            return existing;
        }

        opportunity.MarkCommitted(1);
        lead.MarkCommitted(lead.Version + 1);
        return opportunity;
    }
}
