using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// The pipeline row stream of <see cref="SqliteOpportunityStore.ReadPipelineRowsAsync(AccessScope, bool, CancellationToken)"/>:
/// the pipeline index stepped on the native handle (<see cref="SqliteBoundStatement"/>). A large
/// tenant is read on connections of its own (<see cref="SqliteSnapshotReadConnection"/>: no mutex
/// around each column read), several at once, each over a disjoint range of partners, on
/// threads of their own (SQLite's engine runs in the reading thread, so this is what puts a second
/// core to work). The ranges hold as many partners each (<see cref="Bounds"/>), so partners of
/// very different sizes only unbalance the ranges, never change the rows. Every connection reads the same
/// snapshot: the first connection's read transaction is handed to the others with
/// <c>sqlite3_snapshot_get</c>/<c>sqlite3_snapshot_open</c> (WAL mode); when that is not
/// possible (another journal mode, an in-memory database), or the tenant is small, the first connection reads everything.
/// </summary>
internal static class SqlitePipelineRowReader
{
    /// <summary>Connections reading at once for a large tenant.</summary>
    internal const int DefaultReaders = 2;

    /// <summary>Below this many rows in the table (its largest rowid) per reader, one connection reads everything.</summary>
    internal const long DefaultRowsPerReader = 100_000;

    /// <summary>Distinct partners looked up when choosing the ranges' bounds.</summary>
    private const int MaxPartners = 100_000;

    private const string Columns = "partner, stage, stage_kind, amount_minor, currency, probability_bp, forecast_category, expected_close, closed_at, region, product_line, products";

    /// <summary>
    /// The rows matching <paramref name="where"/> (parameters <c>?1</c> tenant, <c>?2</c> partner),
    /// read on <paramref name="first"/> — whose deferred transaction has run its first read,
    /// <paramref name="where"/>'s own check — or, for a large tenant, on read connections at its
    /// snapshot; in the readers' batches (each valid until the consumer moves on).
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadAsync(
        SqliteConnection first,
        string where,
        IReadOnlyList<string> parameters,
        bool onePartner,
        int busyTimeoutMilliseconds,
        int readers,
        long rowsPerReader,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var large = !onePartner && IsLarge(first, where, parameters, rowsPerReader);
        var bounds = large && readers > 1 ? PartnerBounds(first, parameters, readers) : [];
        var own = new List<SqliteSnapshotReadConnection>();
        sqlite3_snapshot? snapshot = null;
        try
        {
            // A large scope is read on connections of its own at the first one's snapshot (free of
            // the serialized connection's mutex); a small one, or where the snapshot cannot be
            // shared (another journal mode, an in-memory database), on the first connection alone.
            if (large && Wal(first) && raw.sqlite3_db_filename(first.Handle, "main").utf8_to_string() is { Length: > 0 } filename)
            {
                if (raw.sqlite3_snapshot_get(first.Handle, "main", out snapshot) != raw.SQLITE_OK)
                {
                    // The WAL is empty (e.g. right after the last connection closed): the file alone is the snapshot.
                    snapshot?.Dispose();
                    snapshot = null;
                }

                for (var i = 0; i <= bounds.Length; i++)
                {
                    if (SqliteSnapshotReadConnection.Open(filename, snapshot, busyTimeoutMilliseconds) is not { } connection)
                    {
                        break;
                    }

                    own.Add(connection);
                }
            }

            if (own.Count <= bounds.Length)
            {
                own.ForEach(c => c.Dispose());
                own.Clear();
                bounds = [];
            }

            var ranges = new List<Func<PipelineRowSink, CancellationToken, Task>>();
            for (var i = 0; i <= bounds.Length; i++)
            {
                List<string> values = [.. parameters];
                var range = where;
                if (i > 0)
                {
                    values.Add(bounds[i - 1]);
                    range += $" AND partner >= ?{values.Count}";
                }

                if (i < bounds.Length)
                {
                    values.Add(bounds[i]);
                    range += $" AND partner < ?{values.Count}";
                }

                var handle = own.Count > 0 ? own[i].Handle : first.Handle!;
                var sql = $"""
                    SELECT {Columns}, CASE WHEN amount_minor > {Money.MaxDealMinorUnits} THEN id END
                    FROM opportunities r INDEXED BY opportunities_pipeline
                    WHERE {range};
                    """;
                ranges.Add((sink, token) => ReadAsync(handle, sql, values, sink, token));
            }

            await foreach (var batch in PipelineRowFanIn.ReadAsync(ranges, cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
            }
        }
        finally
        {
            snapshot?.Dispose();
            own.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// The partners at which the ranges after the first begin: the tenant's distinct partners with
    /// open deals, found by one seek each in the pipeline index (at most <see cref="MaxPartners"/>),
    /// split into ranges of as many partners each; none when the scope holds fewer than
    /// 2 × <paramref name="rowsPerReader"/> rows (counted up to that many) or fewer than two partners.
    /// </summary>
    internal static string[] Bounds(SqliteConnection connection, string where, IReadOnlyList<string> parameters, int readers, long rowsPerReader) =>
        IsLarge(connection, where, parameters, rowsPerReader) ? PartnerBounds(connection, parameters, readers) : [];

    /// <summary>Whether the scope holds at least 2 × <paramref name="rowsPerReader"/> rows (counted up to that many).</summary>
    private static bool IsLarge(SqliteConnection connection, string where, IReadOnlyList<string> parameters, long rowsPerReader)
    {
        using var command = Command(connection, parameters);
        command.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM opportunities r INDEXED BY opportunities_pipeline WHERE {where} LIMIT {2 * rowsPerReader});";
        return (long)command.ExecuteScalar()! >= 2 * rowsPerReader;
    }

    /// <summary>The bounds of <see cref="Bounds"/>, the scope known to be large.</summary>
    private static string[] PartnerBounds(SqliteConnection connection, IReadOnlyList<string> parameters, int readers)
    {
        using var command = Command(connection, parameters);
        const string Open = $"FROM opportunities INDEXED BY opportunities_pipeline WHERE tenant = ?1 AND stage_kind = 0 AND {Schema.SqliteMigrations.PipelineIndexCondition}";
        command.CommandText = $"""
            WITH RECURSIVE p(partner) AS (
                SELECT min(partner) {Open}
                UNION ALL
                SELECT (SELECT min(partner) {Open} AND partner > p.partner) FROM p WHERE p.partner IS NOT NULL LIMIT {MaxPartners})
            SELECT partner FROM p WHERE partner IS NOT NULL;
            """;
        var partners = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                partners.Add(reader.GetString(0));
            }
        }

        var bounds = new List<string>();
        for (var i = 1; i < readers && partners.Count > 1; i++)
        {
            var bound = partners[partners.Count * i / readers];
            if (i == 1 ? bound != partners[0] : bound != bounds[^1])
            {
                bounds.Add(bound);
            }
        }

        return [.. bounds];
    }

    private static bool Wal(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        return string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
    }

    private static SqliteCommand Command(SqliteConnection connection, IReadOnlyList<string> parameters)
    {
        var command = connection.CreateCommand();
        for (var i = 0; i < parameters.Count; i++)
        {
            command.Parameters.AddWithValue($"?{i + 1}", parameters[i]);
        }

        return command;
    }

    /// <summary>One range, stepped on the native handle of its connection (in that connection's transaction).</summary>
    private static async Task ReadAsync(sqlite3 connection, string sql, List<string> parameters, PipelineRowSink sink, CancellationToken cancellationToken)
    {
        using var rows = new SqliteBoundStatement(connection, sql);
        for (var i = 0; i < parameters.Count; i++)
        {
            rows.BindText(i + 1, parameters[i]);
        }

        var values = new PipelineRowValues();
        while (rows.Read())
        {
            if (!rows.IsNull(12))
            {
                throw PipelineRowValues.AmountOutOfRange(rows.Utf8(12), rows.Int64(3));
            }

            if (sink.Add(SqliteOpportunityStore.ReadPipelineRow(rows, 0, values)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
