using NodaTime;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>
    /// Deletes up to <paramref name="maxMessages"/> delivered rows delivered before
    /// <paramref name="olderThan"/> (oldest first, through the <c>outbox_delivered</c> index; rows
    /// another host is purging are skipped) and, in the same statement, records each id's 16-byte
    /// hash in <c>outbox_purged</c>, so the id is still ignored when enqueued again. Pending rows and
    /// dead letters are never touched.
    /// </summary>
    public async Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);

        // delivered_at is floored to the microsecond; comparing with the floored cut-off never purges a row delivered at or after it.
        var sql = $"""
            WITH picked AS (
                SELECT seq FROM {_schema}.outbox
                WHERE status = 'delivered' AND delivered_at < $1
                ORDER BY delivered_at, seq
                LIMIT $2
                FOR UPDATE SKIP LOCKED),
            gone AS (
                DELETE FROM {_schema}.outbox o USING picked
                WHERE o.seq = picked.seq AND o.status = 'delivered'
                RETURNING o.tenant, o.id),
            remembered AS (
                INSERT INTO {_schema}.outbox_purged (tenant, id_hash)
                SELECT tenant, {PurgedIdHash("tenant", "id")} FROM gone
                ON CONFLICT DO NOTHING)
            SELECT count(*)::integer FROM gone;
            """;
        var counts = await WriteReturningAsync(DbScope.Everything, sql, [PgValues.Floor(olderThan), maxMessages], r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
        return counts[0];
    }

    /// <summary>The SQL of <see cref="StoredValues.OutboxIdHash"/> over the text expressions <paramref name="tenant"/> and <paramref name="id"/>.</summary>
    private static string PurgedIdHash(string tenant, string id) => $"substring(sha256(convert_to({tenant}, 'UTF8') || '\\x00'::bytea || convert_to({id}, 'UTF8')) from 1 for 16)";
}
