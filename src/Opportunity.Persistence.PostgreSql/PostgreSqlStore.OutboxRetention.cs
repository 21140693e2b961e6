using NodaTime;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>
    /// Deletes up to <paramref name="maxMessages"/> delivered rows delivered before
    /// <paramref name="olderThan"/> (oldest first, through the <c>outbox_delivered</c> index; rows
    /// another host is purging are skipped) and, in the same statement, appends each id's 64-bit key
    /// to its tenant's and hash bucket's row of <c>outbox_purged</c>, so the id is still ignored when
    /// enqueued again. Pending rows and dead letters are never touched.
    /// </summary>
    public async Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);

        // The owner's function: the purge reaches delivered rows of every tenant, which the store's role
        // neither reads nor deletes itself. delivered_at is floored to the microsecond; comparing with the
        // floored cut-off never purges a row delivered at or after it.
        var counts = await WriteReturningAsync(DbScope.NoTenant, $"SELECT {_schema}.purge_delivered($1, $2);", [PgValues.Floor(olderThan), maxMessages], r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
        return counts[0];
    }
}
