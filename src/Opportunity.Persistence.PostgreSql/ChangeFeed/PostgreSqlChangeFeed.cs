using Npgsql;
using Opportunity.Diagnostics;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Pipelines;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The change feed (<see cref="IChangeFeed"/>) of a <see cref="PostgreSqlStore"/>: the feed tables of migration 15 and their <c>LISTEN/NOTIFY</c> wake-up.</summary>
internal sealed class PostgreSqlChangeFeed(PostgreSqlStore db) : IChangeFeed, IChangeFeedSignal
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    /// <remarks>
    /// The feed rows (migration 15) after the position in (commit number, sequence) order — the rest
    /// of the position's own transaction by its index range, then later transactions — and only then
    /// the page's opportunities with their pipeline columns, each found by its key (a <c>LATERAL … LIMIT 1</c>
    /// lookup the planner cannot turn into a join over the tenant's whole table: right after a bulk import,
    /// before statistics catch up, it did, and one page of 10,000 took minutes) (whether the tenant has any quarantined
    /// deal is asked once per statement, an init plan, so the usual case looks up no deal in the
    /// quarantine), in a
    /// transaction of the store's own, so committed changes only, also inside a
    /// <see cref="StoreTransaction"/> scope. Row-level security applies (manufacturer scope of the tenant).
    /// </remarks>
    public async Task<ChangeFeedBatch> ReadChangesAsync(TenantId tenant, ChangeFeedPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        using var activity = OpportunityTelemetry.StartStoreActivity(PostgreSqlStore.DbSystem, nameof(ReadChangesAsync), tenant.Value);
        var (connection, transaction) = await db.BeginAsync(DbScope.Of(tenant), cancellationToken).ConfigureAwait(false);
        using (connection)
        using (transaction)
        {
            // The page must be an ordered range read of the feed's key that stops at maxCount: a bitmap
            // scan reads the whole rest of a bulk transaction and sorts it on every page (quadratic over
            // a catch-up), which the planner picks whenever it under-estimates that rest.
            await ExecuteAsync(connection, transaction, "SET LOCAL enable_bitmapscan = off;", cancellationToken).ConfigureAwait(false);
            using var command = Command(
                connection,
                transaction,
                $"""
                WITH page AS (
                    (SELECT $2::bigint AS position, f.seq, f.id
                     FROM {_schema}.opportunity_feed f
                     WHERE f.tenant = $1 AND f.xid = (SELECT c.xid FROM {_schema}.opportunity_feed_commits c WHERE c.tenant = $1 AND c.position = $2) AND f.seq > $3
                     ORDER BY f.seq LIMIT $4)
                    UNION ALL
                    (SELECT c.position, f.seq, f.id
                     FROM {_schema}.opportunity_feed_commits c JOIN {_schema}.opportunity_feed f ON f.tenant = c.tenant AND f.xid = c.xid
                     WHERE c.tenant = $1 AND c.position > $2
                     ORDER BY c.position, f.seq LIMIT $4)
                    ORDER BY 1, 2 LIMIT $4)
                SELECT p.position, p.seq, p.id, o.version, o.partner, o.stage, o.stage_kind, o.amount_minor, o.currency, o.probability_bp,
                       o.forecast_category, o.expected_close, o.closed_at, o.region, o.product_line, o.products,
                       o.stage_kind IS NULL
                       OR (EXISTS (SELECT 1 FROM {_schema}.quarantine WHERE tenant = $1 AND kind = 'SalesOpportunity')
                           AND EXISTS (SELECT 1 FROM {_schema}.quarantine q WHERE q.tenant = o.tenant AND q.kind = 'SalesOpportunity' AND q.id = o.id))
                FROM page p CROSS JOIN LATERAL (
                    SELECT d.tenant, d.id, d.version, d.partner, d.stage, d.stage_kind, d.amount_minor, d.currency, d.probability_bp,
                           d.forecast_category, d.expected_close, d.closed_at, d.region, d.product_line, d.products
                    FROM {_schema}.opportunities d WHERE d.tenant = $1 AND d.id = p.id LIMIT 1) o
                ORDER BY p.position, p.seq;
                """,
                [tenant.Value, after.Transaction, after.Sequence, maxCount]);
            var changes = new List<OpportunityChange>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(2);
                StoredPipelineRow? row = reader.GetBoolean(16) ? null : new StoredPipelineRow(
                    new PartnerId(reader.GetString(4)),
                    reader.GetString(5),
                    (StageKind)reader.GetInt16(6),
                    reader.GetInt64(7),
                    StoredValues.ReadCurrency(nameof(SalesOpportunity), id, reader.GetString(8)),
                    Probability.FromBasisPoints(reader.GetInt16(9)),
                    (ForecastCategory)reader.GetInt16(10),
                    NodaTime.LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(11)),
                    reader.IsDBNull(12) ? null : PgValues.ToInstant(reader.GetDateTime(12)))
                {
                    Region = reader.IsDBNull(13) ? null : reader.GetString(13),
                    ProductLine = reader.IsDBNull(14) ? null : reader.GetString(14),
                    Products = reader.IsDBNull(15) ? null : StoredValues.ReadProducts(id, reader.GetString(15)),
                };
                changes.Add(new OpportunityChange(new ChangeFeedPosition(reader.GetInt64(0), reader.GetInt64(1)), new OpportunityId(id), reader.GetInt64(3), row));
            }

            await reader.DisposeAsync().ConfigureAwait(false);

            // Asked after the read, in a statement of its own (a later snapshot): a trim that removed
            // entries before the read is seen, so a reader never moves on past a gap.
            using var trimmed = Command(connection, transaction, $"SELECT position, seq FROM {_schema}.opportunity_feed_trimmed WHERE tenant = $1;", [tenant.Value]);
            var last = await trimmed.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var lastScope = last.ConfigureAwait(false);
            var resync = await last.ReadAsync(cancellationToken).ConfigureAwait(false) && after < new ChangeFeedPosition(last.GetInt64(0), last.GetInt64(1));
            return new ChangeFeedBatch(changes, changes.Count == 0 ? after : changes[^1].Position) { ResyncRequired = resync };
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The owner's <c>trim_feed</c> (migration 27) in the tenant's scope: whole commits numbered below
    /// <paramref name="upTo"/>'s commit, never the tenant's newest.
    /// </remarks>
    public async Task<int> TrimAsync(TenantId tenant, ChangeFeedPosition upTo, CancellationToken cancellationToken = default)
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(PostgreSqlStore.DbSystem, nameof(TrimAsync), tenant.Value);
        var removed = await db.WriteReturningAsync(DbScope.Of(tenant), $"SELECT {_schema}.trim_feed($1);", [upTo.Transaction], r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
        return removed[0];
    }

    /// <inheritdoc />
    public async Task<ChangeFeedPosition> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        using var activity = OpportunityTelemetry.StartStoreActivity(PostgreSqlStore.DbSystem, nameof(ReadHeadAsync), tenant.Value);
        var (connection, transaction) = await db.BeginAsync(DbScope.Of(tenant), cancellationToken).ConfigureAwait(false);
        using (connection)
        using (transaction)
        {
            using var command = Command(
                connection,
                transaction,
                $"""
                SELECT c.position, (SELECT max(f.seq) FROM {_schema}.opportunity_feed f WHERE f.tenant = c.tenant AND f.xid = c.xid)
                FROM {_schema}.opportunity_feed_commits c WHERE c.tenant = $1 AND c.position IS NOT NULL
                ORDER BY c.position DESC LIMIT 1;
                """,
                [tenant.Value]);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new ChangeFeedPosition(reader.GetInt64(0), reader.GetInt64(1))
                : ChangeFeedPosition.Start;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>LISTEN</c> on a connection of the subscription's own (from the data source), delivering
    /// this schema's notifications. When the connection breaks, it is opened again after a second;
    /// notifications in between are lost, which the follower's poll covers.
    /// </remarks>
    public async Task<IAsyncDisposable> SubscribeAsync(Action<TenantId?> changed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changed);
        await db.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        var listener = new PostgreSqlFeedListener(db.DataSource, _schema + ":", changed);
        await listener.StartAsync(cancellationToken).ConfigureAwait(false);
        return listener;
    }
}
