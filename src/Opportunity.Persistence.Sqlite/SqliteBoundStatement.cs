using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// One statement prepared on the connection's native handle and executed many times with its
/// parameters bound by position: no parameter objects, no boxing by type lookup per value, and a
/// document bound as the UTF-8 bytes it was serialised to (stored exactly as the same text bound
/// as a string). Used by the bulk import, where Microsoft.Data.Sqlite's per-row binding was a
/// large share of the writer's time; and by the pipeline's row stream, which reads its columns
/// without a string per value. It runs inside whatever transaction the connection holds.
/// </summary>
internal sealed class SqliteBoundStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <summary>The statement's pointer for <see cref="SqliteNativeColumns"/> (the statement lives as long as this object); 0 when those are not available.</summary>
    private readonly nint _native;

    public SqliteBoundStatement(SqliteConnection connection, string sql)
        : this(connection.Handle!, sql)
    {
    }

    /// <summary>Prepares <paramref name="sql"/> on a native connection handle.</summary>
    public SqliteBoundStatement(sqlite3 db, string sql)
    {
        _db = db;
        var rc = raw.sqlite3_prepare_v2(db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        _native = SqliteNativeColumns.Available ? _statement.DangerousGetHandle() : 0;
    }

    /// <summary>Binds parameter <paramref name="index"/> (1-based) to text.</summary>
    public void BindText(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Binds parameter <paramref name="index"/> (1-based) to text given as UTF-8 bytes.</summary>
    public void BindUtf8(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Binds parameter <paramref name="index"/> (1-based) to an integer.</summary>
    public void BindInt64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds parameter <paramref name="index"/> (1-based) to SQL NULL.</summary>
    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_statement, index));

    /// <summary>Binds a column value as the store computes it: null (or <see cref="DBNull"/>), text or an integer.</summary>
    public void Bind(int index, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                BindNull(index);
                break;
            case string text:
                BindText(index, text);
                break;
            case long number:
                BindInt64(index, number);
                break;
            case int number:
                BindInt64(index, number);
                break;
            default:
                throw new ArgumentException($"Cannot bind a {value.GetType().Name}.", nameof(value));
        }
    }

    /// <summary>
    /// Runs the statement once and makes it ready for the next row. Returns false when the
    /// constraint named by <paramref name="refusedBy"/> (an extended result code, e.g. 1555 for a
    /// primary key) refused the row; throws a <see cref="SqliteException"/> for any other failure.
    /// </summary>
    public bool Execute(int refusedBy)
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_DONE)
        {
            raw.sqlite3_reset(_statement);
            return true;
        }

        if (rc == raw.SQLITE_CONSTRAINT && raw.sqlite3_extended_errcode(_db) == refusedBy)
        {
            raw.sqlite3_reset(_statement);
            return false;
        }

        SqliteException.ThrowExceptionForRC(rc, _db);
        throw new InvalidOperationException($"SQLite step returned {rc}.");
    }

    /// <summary>Steps a query: true with a row to read (<see cref="Int64"/>, <see cref="Utf8"/>), false when it has no more.</summary>
    public bool Read()
    {
        var rc = _native != 0 ? SqliteNativeColumns.Step(_native) : raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        SqliteException.ThrowExceptionForRC(rc, _db);
        throw new InvalidOperationException($"SQLite step returned {rc}.");
    }

    /// <summary>Whether column <paramref name="column"/> (0-based) of the current row is NULL.</summary>
    public bool IsNull(int column) => (_native != 0 ? SqliteNativeColumns.Type(_native, column) : raw.sqlite3_column_type(_statement, column)) == raw.SQLITE_NULL;

    /// <summary>Column <paramref name="column"/> (0-based) of the current row as an integer.</summary>
    public long Int64(int column) => _native != 0 ? SqliteNativeColumns.Int64(_native, column) : raw.sqlite3_column_int64(_statement, column);

    /// <summary>Column <paramref name="column"/> (0-based) of the current row as its UTF-8 text, valid until the next step.</summary>
    public ReadOnlySpan<byte> Utf8(int column) => _native != 0 ? SqliteNativeColumns.Bytes(_native, column) : raw.sqlite3_column_blob(_statement, column);

    public void Dispose() => _statement.Dispose();

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);
}
