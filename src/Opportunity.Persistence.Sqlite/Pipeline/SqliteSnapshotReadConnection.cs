using SQLitePCL;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// A read-only connection of the pipeline row stream, opened on the native API in a read
/// transaction at another connection's snapshot (WAL mode). Opened with <c>SQLITE_OPEN_NOMUTEX</c>:
/// Microsoft.Data.Sqlite's connections are serialized, so every <c>sqlite3_column_*</c> call locks
/// and unlocks the connection's mutex — about 40 times per pipeline row, a fifth of the process's
/// CPU in a profile of the snapshot load. One reader uses this connection at a time, which is all
/// that mode asks.
/// </summary>
internal sealed class SqliteSnapshotReadConnection : IDisposable
{
    private const string ReadSchema = "SELECT count(*) FROM sqlite_schema;";

    private SqliteSnapshotReadConnection(sqlite3 handle) => Handle = handle;

    /// <summary>The native handle (for <see cref="SqliteBoundStatement"/>).</summary>
    public sqlite3 Handle { get; }

    /// <summary>
    /// A connection to <paramref name="filename"/> (in WAL mode) reading what another connection
    /// reads in its read transaction: <paramref name="snapshot"/>, that connection's, or — null —
    /// the database file alone, when that connection's read began on an empty WAL (SQLite has no
    /// snapshot of an empty WAL: <c>sqlite3_snapshot_get</c> fails). That holds as long as the WAL
    /// is still empty when this connection's read begins: while a reader reads the file alone, no
    /// checkpoint can empty the WAL again, so a commit in between leaves frames there. Null when the
    /// file cannot be opened so or the state has moved on (the caller reads on its own connection then).
    /// </summary>
    public static SqliteSnapshotReadConnection? Open(string filename, sqlite3_snapshot? snapshot, int busyTimeoutMilliseconds)
    {
        if (raw.sqlite3_open_v2(filename, out var handle, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null) != raw.SQLITE_OK)
        {
            handle.Dispose();
            return null;
        }

        if (raw.sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) != raw.SQLITE_OK
            || !(snapshot is not null ? OpenSnapshot(handle, snapshot) : StillEmptyWal(handle)))
        {
            handle.Dispose();
            return null;
        }

        return new SqliteSnapshotReadConnection(handle);
    }

    /// <summary>Begins a read transaction at <paramref name="snapshot"/>.</summary>
    private static bool OpenSnapshot(sqlite3 handle, sqlite3_snapshot snapshot)
    {
        // A first read (in autocommit) opens the connection's WAL, without which there is no snapshot to open.
        return raw.sqlite3_exec(handle, ReadSchema) == raw.SQLITE_OK
            && raw.sqlite3_exec(handle, "BEGIN DEFERRED;") == raw.SQLITE_OK
            && raw.sqlite3_snapshot_open(handle, "main", snapshot) == raw.SQLITE_OK;
    }

    /// <summary>Begins a read transaction and tells whether the WAL has no frames (there is no snapshot of it).</summary>
    private static bool StillEmptyWal(sqlite3 handle)
    {
        if (raw.sqlite3_exec(handle, "BEGIN DEFERRED;") != raw.SQLITE_OK || raw.sqlite3_exec(handle, ReadSchema) != raw.SQLITE_OK)
        {
            return false;
        }

        if (raw.sqlite3_snapshot_get(handle, "main", out var moved) == raw.SQLITE_OK)
        {
            moved.Dispose();
            return false;
        }

        return true;
    }

    /// <summary>Closes the connection, ending its read transaction.</summary>
    public void Dispose() => Handle.Dispose();
}
