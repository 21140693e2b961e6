using System.Text;
using Microsoft.Data.Sqlite;
using Opportunity.Diagnostics;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The change feed of a <see cref="SqliteStore"/>: <c>opportunity_feed</c> read from a position, trimmed, and a wake-up polled from <c>PRAGMA data_version</c>.</summary>
internal sealed class SqliteChangeFeed(SqliteStore store) : IChangeFeed, IChangeFeedSignal
{
    /// <summary>How often the wake-up checks the file for commits of any connection (<c>PRAGMA data_version</c>).</summary>
    internal static readonly TimeSpan SignalPollInterval = TimeSpan.FromMilliseconds(10);

    /// <inheritdoc />
    /// <remarks>
    /// The feed rows (migration 15) after the position, joined with the opportunities' pipeline
    /// columns, on a connection of the store's own: committed changes only, also inside a
    /// <see cref="StoreTransaction"/> scope.
    /// </remarks>
    public async Task<ChangeFeedBatch> ReadChangesAsync(TenantId tenant, ChangeFeedPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        using var activity = OpportunityTelemetry.StartStoreActivity(SqliteStore.DbSystem, nameof(ReadChangesAsync), tenant.Value);
        using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The pipeline columns in the row stream's order (SqliteOpportunityStore.ReadPipelineRow). Whether the tenant has any
        // quarantined deal is asked once per statement (an uncorrelated subquery), so the usual case
        // costs no quarantine lookup per change.
        using var rows = new SqliteBoundStatement(
            connection,
            """
            SELECT f.seq, f.id, o.version,
                   o.partner, o.stage, o.stage_kind, o.amount_minor, o.currency, o.probability_bp,
                   o.forecast_category, o.expected_close, o.closed_at, o.region, o.product_line, o.products,
                   o.stage_kind IS NULL
                   OR ((SELECT 1 FROM quarantine WHERE tenant = ?1 AND kind = 'SalesOpportunity' LIMIT 1) IS NOT NULL
                       AND EXISTS (SELECT 1 FROM quarantine q WHERE q.tenant = o.tenant AND q.kind = 'SalesOpportunity' AND q.id = o.id))
            FROM opportunity_feed f JOIN opportunities o ON o.tenant = f.tenant AND o.id = f.id
            WHERE f.tenant = ?1 AND f.seq > ?2
            ORDER BY f.seq
            LIMIT ?3;
            """);
        rows.BindText(1, tenant.Value);
        rows.BindInt64(2, after.Sequence);
        rows.BindInt64(3, maxCount);
        var values = new PipelineRowValues();
        var changes = new List<OpportunityChange>(Math.Min(maxCount, 10_000));
        while (rows.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            StoredPipelineRow? row = rows.Int64(15) != 0 ? null : SqliteOpportunityStore.ReadPipelineRow(rows, 3, values);
            changes.Add(new OpportunityChange(new ChangeFeedPosition(0, rows.Int64(0)), new OpportunityId(Encoding.UTF8.GetString(rows.Utf8(1))), rows.Int64(2), row));
        }

        // Asked after the read: a trim that removed entries before the read is seen here, so a reader
        // never moves on past a gap (a trim between the two only makes the answer cautious).
        using var trimmed = Command(connection, null, "SELECT seq FROM opportunity_feed_trimmed WHERE tenant = $tenant;", ("$tenant", tenant.Value));
        var resync = await trimmed.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long last && after.Sequence < last;
        return new ChangeFeedBatch(changes, changes.Count == 0 ? after : changes[^1].Position) { ResyncRequired = resync };
    }

    /// <inheritdoc />
    /// <remarks>
    /// One write transaction: the tenant's entries before the position, except its newest (a deleted
    /// newest <c>seq</c> of the file could be given again, see migration 15), and the last removed
    /// <c>seq</c> recorded in <c>opportunity_feed_trimmed</c> (migration 27).
    /// </remarks>
    public async Task<int> TrimAsync(TenantId tenant, ChangeFeedPosition upTo, CancellationToken cancellationToken = default)
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(SqliteStore.DbSystem, nameof(TrimAsync), tenant.Value);
        return await store.WriteAsync(
            async (connection, transaction) =>
            {
                using var last = Command(
                    connection,
                    transaction,
                    "SELECT max(seq) FROM opportunity_feed WHERE tenant = $tenant AND seq < $upTo AND seq < (SELECT max(seq) FROM opportunity_feed WHERE tenant = $tenant);",
                    ("$tenant", tenant.Value),
                    ("$upTo", upTo.Sequence));
                if (await last.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long through)
                {
                    return 0;
                }

                using var delete = Command(connection, transaction, "DELETE FROM opportunity_feed WHERE tenant = $tenant AND seq <= $through;", ("$tenant", tenant.Value), ("$through", through));
                var removed = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                using var remember = Command(
                    connection,
                    transaction,
                    "INSERT INTO opportunity_feed_trimmed (tenant, seq) VALUES ($tenant, $through) ON CONFLICT (tenant) DO UPDATE SET seq = max(seq, excluded.seq);",
                    ("$tenant", tenant.Value),
                    ("$through", through));
                await remember.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return removed;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ChangeFeedPosition> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(SqliteStore.DbSystem, nameof(ReadHeadAsync), tenant.Value);
        using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Command(connection, null, "SELECT max(seq) FROM opportunity_feed WHERE tenant = $tenant;", ("$tenant", tenant.Value));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long seq
            ? new ChangeFeedPosition(0, seq)
            : ChangeFeedPosition.Start;
    }

    /// <inheritdoc />
    /// <remarks>
    /// SQLite has no notifications: a connection of the subscription asks the file every
    /// 10 ms whether any connection — of this process or another — committed
    /// (<c>PRAGMA data_version</c>, answered from the WAL index in memory, no I/O), and calls back
    /// with null: it cannot tell which tenant changed.
    /// </remarks>
    public async Task<IAsyncDisposable> SubscribeAsync(Action<TenantId?> changed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var first = await DataVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            return new DataVersionWatch(connection, first, changed);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static async Task<long> DataVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = Command(connection, null, "PRAGMA data_version;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
