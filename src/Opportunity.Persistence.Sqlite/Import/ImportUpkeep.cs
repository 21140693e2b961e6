using Microsoft.Data.Sqlite;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// What an import does set-wise instead of row by row, inside its transaction (docs/performance.md,
/// "Import in 0.3.0, part 3"). The change feed's insert trigger (migration 15) is dropped for the
/// import and its entries are written per chunk by one <c>INSERT … SELECT</c> over the chunk's keys —
/// still one entry per imported deal, in the import's commit. Once the import has written at least as
/// many rows as the table held before it (checked at doubling row counts from
/// <see cref="SqliteStore.ImportIndexRebuildMinimum"/>), the table's non-unique secondary indexes are
/// dropped and built again by <see cref="Finish"/> from their own stored SQL: one sort of the whole
/// table then costs less than a B-tree insert per imported row into each index. Unique indexes stay
/// (they refuse rows). SQLite's DDL is transactional: a rollback, a savepoint undone or a crash
/// (kill -9) restores the trigger and the indexes with the rows; readers (WAL) see the old schema
/// until the commit.
/// </summary>
internal sealed class ImportUpkeep : IDisposable
{
    /// <summary>The trigger of migration 15 that writes a feed entry per inserted row.</summary>
    private const string FeedTrigger = "opportunity_feed_insert";

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction? _transaction;
    private readonly long _rebuildMinimum;
    private readonly string? _triggerSql;
    private readonly SqliteBoundStatement? _feed;
    private List<string>? _droppedIndexes;
    private long _written;
    private long _nextCheck;

    public ImportUpkeep(SqliteConnection connection, SqliteTransaction? transaction, long rebuildMinimum)
    {
        _connection = connection;
        _transaction = transaction;
        _rebuildMinimum = rebuildMinimum;
        _nextCheck = rebuildMinimum;
        _triggerSql = Scalar($"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '{FeedTrigger}';") as string;
        if (_triggerSql is not null)
        {
            Execute($"DROP TRIGGER {FeedTrigger};");
            // The chunk's keys as a JSON array of [tenant, id] pairs, in row order (json_each keeps it).
            _feed = new SqliteBoundStatement(connection, "INSERT INTO opportunity_feed (tenant, id) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1);");
        }
    }

    /// <summary>After a chunk's rows: their feed entries, then (at doubling counts) whether to stop index upkeep.</summary>
    /// <param name="keys">The chunk's keys, a UTF-8 JSON array of [tenant, id] pairs.</param>
    /// <param name="rows">How many rows the chunk inserted.</param>
    public void AfterChunk(byte[] keys, int rows)
    {
        if (_feed is not null)
        {
            _feed.BindUtf8(1, keys);
            _feed.Execute(refusedBy: -1);
        }

        _written += rows;
        if (_droppedIndexes is null && _written >= _nextCheck)
        {
            _nextCheck = 2 * _written;
            // The table's rows now include the ones written here: at most twice as many means the
            // import has written at least as many as the table held before it.
            if (Convert.ToInt64(Scalar($"SELECT count(*) FROM (SELECT 1 FROM opportunities LIMIT {(2 * _written) + 1});"), System.Globalization.CultureInfo.InvariantCulture) <= 2 * _written)
            {
                DropIndexes();
            }
        }
    }

    /// <summary>Builds the dropped indexes again and restores the feed trigger, before the commit.</summary>
    public void Finish()
    {
        foreach (var sql in _droppedIndexes ?? [])
        {
            Execute(sql + ";");
        }

        _droppedIndexes = null;
        if (_triggerSql is not null)
        {
            Execute(_triggerSql + ";");
        }
    }

    public void Dispose() => _feed?.Dispose();

    private void DropIndexes()
    {
        var indexes = new List<(string Name, string Sql)>();
        using (var read = Command("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'opportunities' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY name;"))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            Execute($"DROP INDEX \"{name}\";");
        }

        _droppedIndexes = [.. indexes.Select(i => i.Sql)];
    }

    private object? Scalar(string sql)
    {
        using var command = Command(sql);
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        return command;
    }
}
