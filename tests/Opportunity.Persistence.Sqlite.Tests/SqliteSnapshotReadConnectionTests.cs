using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// The pipeline stream's own read connections (<see cref="SqliteSnapshotReadConnection"/>) read what
/// the first connection reads: its snapshot, or — on an empty WAL, of which SQLite has no snapshot —
/// the file alone, and then only while nothing has been committed since.
/// </summary>
public sealed class SqliteSnapshotReadConnectionTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private SqliteConnection? _held;

    public SqliteSnapshotReadConnectionTests()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_database.Path)!);

        // Three rows, then the last connection closes: the WAL is checkpointed and empty.
        Execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);");
    }

    public void Dispose()
    {
        _held?.Dispose();
        SqliteConnection.ClearAllPools();
        _database.Dispose();
    }

    /// <summary>On an empty WAL the first connection has no snapshot; a read connection opened then reads its three rows, and not a row committed after it opened.</summary>
    [Fact]
    public void Open_EmptyWal_ReadsTheFirstConnectionsRowsOnly()
    {
        using var first = FirstReader();
        Assert.NotEqual(raw.SQLITE_OK, raw.sqlite3_snapshot_get(first.Handle, "main", out var none));
        none?.Dispose();

        using var connection = SqliteSnapshotReadConnection.Open(_database.Path, null, 1_000);
        Assert.NotNull(connection);
        Execute("INSERT INTO t VALUES (4);");
        Assert.Equal(3, Count(connection.Handle));
    }

    /// <summary>On an empty WAL, a commit between the first connection's read and the opening leaves the WAL with frames: no connection (the caller reads alone).</summary>
    [Fact]
    public void Open_EmptyWalThenACommit_Null()
    {
        using var first = FirstReader();
        Execute("INSERT INTO t VALUES (4);");

        Assert.Null(SqliteSnapshotReadConnection.Open(_database.Path, null, 1_000));
        Assert.Equal(3, Count(first.Handle!));
    }

    /// <summary>With frames in the WAL the first connection's snapshot is opened: a commit after it, even before the opening, is not read.</summary>
    [Fact]
    public void Open_Snapshot_ReadsThatSnapshot()
    {
        Execute("INSERT INTO t VALUES (4);", keepOpen: true);
        using var first = FirstReader(rows: 4);
        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_snapshot_get(first.Handle, "main", out var snapshot));
        using (snapshot)
        {
            Execute("INSERT INTO t VALUES (5);");

            using var connection = SqliteSnapshotReadConnection.Open(_database.Path, snapshot, 1_000);
            Assert.NotNull(connection);
            Assert.Equal(4, Count(connection.Handle));
        }
    }

    private static long Count(sqlite3 handle)
    {
        using var count = new SqliteBoundStatement(handle, "SELECT count(*) FROM t;");
        Assert.True(count.Read());
        return count.Int64(0);
    }

    /// <summary>A connection in a read transaction that has read the table's <paramref name="rows"/> rows.</summary>
    private SqliteConnection FirstReader(long rows = 3)
    {
        var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        connection.Open();
        var transaction = connection.BeginTransaction(deferred: true);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM t;";
        Assert.Equal(rows, (long)command.ExecuteScalar()!);
        return connection;
    }

    private void Execute(string sql, bool keepOpen = false)
    {
        var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        if (keepOpen)
        {
            // An open connection keeps the WAL from being checkpointed away when the others close.
            _held = connection;
        }
        else
        {
            connection.Dispose();
        }
    }
}
