using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.PostgreSql.LeadRows;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Lead merges (<see cref="ILeadMergeStore"/>) of a <see cref="PostgreSqlStore"/>: both leads in one transaction.</summary>
internal sealed class PostgreSqlLeadMergeStore(PostgreSqlStore db) : ILeadMergeStore
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    /// <remarks>One transaction of the leads' tenant: both lead rows version-checked, both leads' events to the outbox, their field history.</remarks>
    public async Task MergeAsync(Lead survivor, Lead merged, CancellationToken cancellationToken = default)
    {
        LeadMergeRules.Check(survivor, merged);
        var survivorRow = LeadRow(survivor);
        var mergedRow = LeadRow(merged);
        List<OutboxMessage> messages = [.. survivor.PendingEvents.Concat(merged.PendingEvents).Select(OutboxMessage.FromDomainEvent)];
        await db.RunAsync(
            DbScope.Of(survivor.Tenant),
            async (connection, transaction) =>
            {
                await db.WriteRowAsync(connection, transaction, survivorRow, cancellationToken).ConfigureAwait(false);
                db.Fault("after-state");
                await db.WriteRowAsync(connection, transaction, mergedRow, cancellationToken).ConfigureAwait(false);
                await db.InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await db.InsertHistoryAsync(connection, transaction, [survivor, merged], cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        survivor.MarkCommitted(survivor.Version + 1);
        merged.MarkCommitted(merged.Version + 1);
    }
}
