using System.Data;
using System.Globalization;
using System.Text;
using Npgsql;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// The pipeline row stream of <see cref="PostgreSqlOpportunityStore.ReadPipelineRowsAsync(AccessScope, bool, CancellationToken)"/>:
/// binary <c>COPY (SELECT …) TO STDOUT</c> of the pipeline columns, parsed from the raw stream
/// (<see cref="PgCopyRows"/>). A large tenant is read by several connections at once, each copying
/// a disjoint range of partners (the backends' <c>COPY</c> output, most of the work, then runs on
/// several cores); the ranges' bounds are quantiles of a page sample of the tenant's deals, so a
/// poor sample only unbalances the ranges, never changes the rows. Every connection reads the same
/// snapshot — the first exports it (<c>pg_export_snapshot</c>), the others import it
/// (<c>SET TRANSACTION SNAPSHOT</c>) in repeatable-read, read-only transactions — so the rows are
/// those of one instant, as with a single <c>COPY</c>. Row-level security applies on every
/// connection (each sets the scope).
/// </summary>
internal static class PgPipelineRowReader
{
    /// <summary>Connections reading at once for a large tenant.</summary>
    internal const int DefaultReaders = 2;

    /// <summary>Below this many rows in the table (PostgreSQL's estimate) per reader, one connection reads everything.</summary>
    internal const long DefaultRowsPerReader = 100_000;

    /// <summary>Sampled rows aimed at when choosing the ranges' bounds.</summary>
    private const double SampleRows = 20_000;

    private const int Columns = 13;

    /// <summary>
    /// The rows of <paramref name="scope"/> matching <paramref name="where"/> (a condition on the
    /// table aliased <c>r</c>, with literals: <c>COPY</c> takes no parameters), in the readers'
    /// batches (each valid until the consumer moves on).
    /// </summary>
    /// <param name="open">Opens a connection (the store's data source).</param>
    /// <param name="table">The qualified opportunities table.</param>
    /// <param name="scope">The row-level security scope every connection sets.</param>
    /// <param name="where">The pipeline's condition.</param>
    /// <param name="literal">Quotes a string as an SQL literal.</param>
    /// <param name="readers">At most this many connections (1: one <c>COPY</c>).</param>
    /// <param name="rowsPerReader">A second connection is used only when the table holds at least twice this many rows (PostgreSQL's estimate, <c>pg_class.reltuples</c>; an unknown estimate counts as small); 0 splits any table.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public static async IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadAsync(
        Func<CancellationToken, ValueTask<NpgsqlConnection>> open,
        string table,
        AccessScope scope,
        string where,
        Func<string, string> literal,
        int readers,
        long rowsPerReader,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connections = new List<(NpgsqlConnection Connection, NpgsqlTransaction? Transaction)>();
        try
        {
            var split = readers > 1 && scope.Partner is null;
            var first = await BeginAsync(open, connections, scope, snapshot: null, cancellationToken).ConfigureAwait(false);
            string[] bounds = [];
            string? snapshot = null;
            if (split)
            {
                bounds = await BoundsAsync(first, table, where, readers, rowsPerReader, cancellationToken).ConfigureAwait(false);
                if (bounds.Length > 0)
                {
                    snapshot = await ScalarAsync(first, "SELECT pg_export_snapshot();", cancellationToken).ConfigureAwait(false);
                }
            }

            for (var i = 0; i < bounds.Length; i++)
            {
                await BeginAsync(open, connections, scope, snapshot, cancellationToken).ConfigureAwait(false);
            }

            var ranges = new List<Func<PipelineRowSink, CancellationToken, Task>>();
            for (var i = 0; i <= bounds.Length; i++)
            {
                var range = where;
                if (i > 0)
                {
                    range += $" AND r.partner >= {literal(bounds[i - 1])}";
                }

                if (i < bounds.Length)
                {
                    range += $" AND r.partner < {literal(bounds[i])}";
                }

                var connection = connections[i].Connection;
                var sql = $"""
                    COPY (SELECT partner, stage, stage_kind, amount_minor, currency, probability_bp, forecast_category, expected_close, closed_at, region, product_line, products,
                                 CASE WHEN amount_minor > {Money.MaxDealMinorUnits} THEN id END
                          FROM {table} r
                          WHERE {range}) TO STDOUT (FORMAT BINARY)
                    """;
                ranges.Add((sink, token) => CopyAsync(connection, sql, sink, token));
            }

            await foreach (var batch in PipelineRowFanIn.ReadAsync(ranges, cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
            }
        }
        finally
        {
            foreach (var (connection, transaction) in connections)
            {
                // Nothing was written: disposing the transaction rolls it back.
                if (transaction is not null)
                {
                    await transaction.DisposeAsync().ConfigureAwait(false);
                }

                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A repeatable-read, read-only transaction in <paramref name="scope"/>, on the exported
    /// <paramref name="snapshot"/> when given; serial plans (one backend scans the pipeline index in
    /// its order, so a partner's deals arrive together; the backend writing the stream would
    /// serialise every row anyway).
    /// </summary>
    private static async Task<NpgsqlConnection> BeginAsync(Func<CancellationToken, ValueTask<NpgsqlConnection>> open, List<(NpgsqlConnection, NpgsqlTransaction?)> connections, AccessScope scope, string? snapshot, CancellationToken cancellationToken)
    {
        var connection = await open(cancellationToken).ConfigureAwait(false);
        connections.Add((connection, null));
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        connections[^1] = (connection, transaction);
        using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET TRANSACTION READ ONLY"));
        if (snapshot is not null)
        {
            // Before any query of the transaction; the exporting one is still open.
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET TRANSACTION SNAPSHOT '{snapshot.Replace("'", "''", StringComparison.Ordinal)}'"));
        }

        var set = new NpgsqlBatchCommand("SELECT set_config('opportunity.tenant', $1, true), set_config('opportunity.partner', $2, true), set_config('opportunity.system', 'off', true)");
        set.Parameters.Add(new NpgsqlParameter { Value = scope.Tenant.Value });
        set.Parameters.Add(new NpgsqlParameter { Value = scope.Partner?.Value ?? string.Empty });
        batch.BatchCommands.Add(set);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL max_parallel_workers_per_gather = 0"));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// The partners at which the ranges after the first begin: quantiles of the partners of a page
    /// sample (<c>TABLESAMPLE SYSTEM</c>, about <see cref="SampleRows"/> rows) of the deals matching
    /// <paramref name="where"/>, in the column's own order; none when the table is small or the
    /// sample holds fewer than two partners.
    /// </summary>
    internal static async Task<string[]> BoundsAsync(NpgsqlConnection connection, string table, string where, int readers, long rowsPerReader, CancellationToken cancellationToken)
    {
        var rows = await ScalarAsync(connection, $"SELECT reltuples::bigint::text FROM pg_class WHERE oid = '{table}'::regclass;", cancellationToken).ConfigureAwait(false);
        var estimate = long.Parse(rows ?? "-1", CultureInfo.InvariantCulture);
        if (rowsPerReader > 0 && estimate < 2 * rowsPerReader)
        {
            // Also a table never vacuumed nor analysed (-1): not known to be large.
            return [];
        }

        var percent = estimate > 0 ? Math.Clamp(100 * SampleRows / estimate, 0.001, 100) : 100;
        var fractions = string.Join(", ", Enumerable.Range(1, readers - 1).Select(i => ((double)i / readers).ToString("R", CultureInfo.InvariantCulture)));
        using var command = new NpgsqlCommand(
            $"""
            SELECT DISTINCT b FROM unnest((
                SELECT percentile_disc(ARRAY[{fractions}]::float8[]) WITHIN GROUP (ORDER BY r.partner)
                FROM {table} r TABLESAMPLE SYSTEM ({percent.ToString("R", CultureInfo.InvariantCulture)}) REPEATABLE (12)
                WHERE {where})) AS q(b)
            ORDER BY b;
            """,
            connection);
        var bounds = new List<string>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            bounds.Add(reader.GetString(0));
        }

        return [.. bounds];
    }

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One range's <c>COPY</c>, parsed from the raw stream on the reader's thread: no await per row, no object per column, one string per distinct value.</summary>
    private static async Task CopyAsync(NpgsqlConnection connection, string sql, PipelineRowSink sink, CancellationToken cancellationToken)
    {
        using var stream = await connection.BeginRawBinaryCopyAsync(sql, cancellationToken).ConfigureAwait(false);
        var rows = new PgCopyRows(stream, Columns);
        var values = new PipelineRowValues();
        while (rows.Read(cancellationToken))
        {
            if (!rows.IsNull(12))
            {
                throw PipelineRowValues.AmountOutOfRange(rows.Utf8(12), rows.Int64(3));
            }

            var row = new StoredPipelineRow(
                values.Partner(rows.Utf8(0)),
                values.Stage(rows.Utf8(1)),
                (StageKind)rows.Int16(2),
                rows.Int64(3),
                values.Currency(rows.Utf8(4)),
                Probability.FromBasisPoints(rows.Int16(5)),
                (ForecastCategory)rows.Int16(6),
                rows.Date(7) ?? throw new StoreDataException(nameof(SalesOpportunity), null, nameof(SalesOpportunity.ExpectedClose), "A stored expected close date is infinite or outside the years 1 to 9999."),
                rows.IsNull(8) ? null : rows.Timestamp(8) ?? throw new StoreDataException(nameof(SalesOpportunity), null, nameof(SalesOpportunity.ClosedAt), "A stored close instant is infinite or outside the range of an instant."))
            {
                Region = rows.IsNull(9) ? null : values.Region(rows.Utf8(9)),
                ProductLine = rows.IsNull(10) ? null : values.ProductLine(rows.Utf8(10)),
                Products = rows.IsNull(11) ? null : StoredValues.ReadProducts(null, Encoding.UTF8.GetString(rows.Utf8(11))),
            };
            if (sink.Add(row))
            {
                await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
