using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore : ILeadMergeStore
{
    /// <inheritdoc />
    /// <remarks>One write transaction: both lead rows version-checked, both leads' events to the outbox, their field history.</remarks>
    public async Task MergeAsync(Lead survivor, Lead merged, CancellationToken cancellationToken = default)
    {
        LeadMergeRules.Check(survivor, merged);
        var survivorRow = LeadRow(survivor);
        var mergedRow = LeadRow(merged);
        List<OutboxMessage> messages = [.. survivor.PendingEvents.Concat(merged.PendingEvents).Select(OutboxMessage.FromDomainEvent)];
        await WriteAsync(
            async (connection, transaction) =>
            {
                await WriteRowAsync(connection, transaction, survivorRow, cancellationToken).ConfigureAwait(false);
                Fault("after-state");
                await WriteRowAsync(connection, transaction, mergedRow, cancellationToken).ConfigureAwait(false);
                await InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await InsertHistoryAsync(connection, transaction, survivor, cancellationToken).ConfigureAwait(false);
                await InsertHistoryAsync(connection, transaction, merged, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        survivor.MarkCommitted(survivor.Version + 1);
        merged.MarkCommitted(merged.Version + 1);
    }
}
