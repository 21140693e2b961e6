using Microsoft.Data.Sqlite;
using NodaTime;
using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    /// <summary>
    /// Deletes up to <paramref name="maxMessages"/> delivered rows delivered before
    /// <paramref name="olderThan"/> (oldest first, through the <c>outbox_delivered</c> index) and, in
    /// the same transaction, records the 16-byte hash of each message's tenant and id in <c>outbox_purged</c>, so the id is
    /// still ignored when enqueued again. Pending rows and dead letters are never touched. Freed
    /// pages are reused by later writes (the file does not shrink without <c>VACUUM</c>).
    /// </summary>
    public Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        var cutoff = SqliteText.Of(olderThan, nameof(OutboxMessage), null, "DeliveredAt");
        return WriteAsync(
            async (connection, transaction) =>
            {
                var rows = new List<(long Seq, string Tenant, string Id)>();
                using (var select = Command(
                    connection,
                    transaction,
                    "SELECT seq, tenant, id FROM outbox WHERE status = 'delivered' AND delivered_at < $cutoff ORDER BY delivered_at, seq LIMIT $max;",
                    ("$cutoff", cutoff),
                    ("$max", maxMessages)))
                using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
                    }
                }

                using var remember = Command(connection, transaction, "INSERT INTO outbox_purged (id_hash) VALUES ($hash) ON CONFLICT DO NOTHING;", ("$hash", null));
                using var delete = Command(connection, transaction, "DELETE FROM outbox WHERE seq = $seq AND status = 'delivered';", ("$seq", null));
                foreach (var (seq, tenant, id) in rows)
                {
                    remember.Parameters["$hash"].Value = StoredValues.OutboxIdHash(new TenantId(tenant), id);
                    await remember.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    delete.Parameters["$seq"].Value = seq;
                    await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return rows.Count;
            },
            cancellationToken);
    }

    /// <summary>The messages whose ids were not purged earlier (a purged id, enqueued again, is ignored like any id already present).</summary>
    private static async Task<List<OutboxMessage>> WithoutPurgedAsync(SqliteConnection connection, SqliteTransaction transaction, List<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return messages;
        }

        using var probe = Command(connection, transaction, "SELECT 1 FROM outbox_purged WHERE id_hash = $hash;", ("$hash", null));
        var kept = new List<OutboxMessage>(messages.Count);
        foreach (var message in messages)
        {
            probe.Parameters["$hash"].Value = StoredValues.OutboxIdHash(message.Tenant, message.Id);
            if (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                kept.Add(message);
            }
        }

        return kept;
    }
}
