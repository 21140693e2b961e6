using Microsoft.Data.Sqlite;
using NodaTime.Text;
using Opportunity.Diagnostics;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore : IChangeFeed, IChangeFeedSignal
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
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, nameof(ReadChangesAsync), tenant.Value);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Command(
            connection,
            null,
            """
            SELECT f.seq, f.id, o.version, o.partner, o.stage, o.stage_kind, o.amount_minor, o.currency, o.probability_bp,
                   o.forecast_category, o.expected_close, o.closed_at, o.region, o.product_line,
                   o.stage_kind IS NULL OR EXISTS (SELECT 1 FROM quarantine q WHERE q.tenant = o.tenant AND q.kind = 'SalesOpportunity' AND q.id = o.id)
            FROM opportunity_feed f JOIN opportunities o ON o.tenant = f.tenant AND o.id = f.id
            WHERE f.tenant = $tenant AND f.seq > $after
            ORDER BY f.seq
            LIMIT $max;
            """,
            ("$tenant", tenant.Value),
            ("$after", after.Sequence),
            ("$max", maxCount));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var changes = new List<OpportunityChange>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(1);
            StoredPipelineRow? row = reader.GetBoolean(14) ? null : new StoredPipelineRow(
                new PartnerId(reader.GetString(3)),
                reader.GetString(4),
                (StageKind)reader.GetInt32(5),
                reader.GetInt64(6),
                StoredValues.ReadCurrency(nameof(SalesOpportunity), id, reader.GetString(7)),
                Probability.FromBasisPoints(reader.GetInt32(8)),
                (ForecastCategory)reader.GetInt32(9),
                LocalDatePattern.Iso.Parse(reader.GetString(10)).Value,
                reader.IsDBNull(11) ? null : SqliteText.ToInstant(reader.GetString(11)))
            {
                Region = reader.IsDBNull(12) ? null : reader.GetString(12),
                ProductLine = reader.IsDBNull(13) ? null : reader.GetString(13),
            };
            changes.Add(new OpportunityChange(new ChangeFeedPosition(0, reader.GetInt64(0)), new OpportunityId(id), reader.GetInt64(2), row));
        }

        return new ChangeFeedBatch(changes, changes.Count == 0 ? after : changes[^1].Position);
    }

    /// <inheritdoc />
    public async Task<ChangeFeedPosition> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, nameof(ReadHeadAsync), tenant.Value);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
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
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
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

    private static async Task<long> DataVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = Command(connection, null, "PRAGMA data_version;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Polls <c>PRAGMA data_version</c> on its own connection until disposed.</summary>
    private sealed class DataVersionWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public DataVersionWatch(SqliteConnection connection, long first, Action<TenantId?> changed)
        {
            _loop = Task.Run(() => WatchAsync(connection, first, changed, _stop.Token));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            _stop.Dispose();
        }

        private static async Task WatchAsync(SqliteConnection connection, long last, Action<TenantId?> changed, CancellationToken stop)
        {
            using (connection)
            using (var timer = new PeriodicTimer(SignalPollInterval))
            {
                try
                {
                    while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                    {
                        long current;
                        try
                        {
                            current = await DataVersionAsync(connection, stop).ConfigureAwait(false);
                        }
                        catch (SqliteException)
                        {
                            // Busy or closed for a moment: ask again at the next tick.
                            continue;
                        }

                        if (current != last)
                        {
                            last = current;
                            changed(null);
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Disposed.
                }
            }
        }
    }
}
