using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The lead merge of a <see cref="SqliteStore"/>: both leads written version-checked in one transaction with their events.</summary>
internal sealed class SqliteLeadMergeStore(SqliteStore store) : ILeadMergeStore
{
    /// <inheritdoc />
    /// <remarks>One write transaction: both lead rows version-checked, both leads' events to the outbox, their field history.</remarks>
    public async Task MergeAsync(Lead survivor, Lead merged, CancellationToken cancellationToken = default)
    {
        LeadMergeRules.Check(survivor, merged);
        var survivorRow = LeadRows.LeadRow(survivor);
        var mergedRow = LeadRows.LeadRow(merged);
        List<OutboxMessage> messages = [.. survivor.PendingEvents.Concat(merged.PendingEvents).Select(OutboxMessage.FromDomainEvent)];
        await store.WriteAsync(
            async (connection, transaction) =>
            {
                await SqliteStore.WriteRowAsync(connection, transaction, survivorRow, cancellationToken).ConfigureAwait(false);
                store.Fault("after-state");
                await SqliteStore.WriteRowAsync(connection, transaction, mergedRow, cancellationToken).ConfigureAwait(false);
                await OutboxRows.InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await store.InsertHistoryAsync(connection, transaction, survivor, cancellationToken).ConfigureAwait(false);
                await store.InsertHistoryAsync(connection, transaction, merged, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        survivor.MarkCommitted(survivor.Version + 1);
        merged.MarkCommitted(merged.Version + 1);
    }
}
