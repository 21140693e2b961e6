using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// The row loops' direct native calls (<see cref="SqliteNativeColumns"/>) bind to the library
/// Microsoft.Data.Sqlite loaded, so the suite's pipeline reads really run the fast path.
/// </summary>
public sealed class SqliteNativeColumnsTests
{
    [Fact]
    public void Available_WithTheBundledProvider_ReadsWhatSqlitePclReads()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Assert.True(SqliteNativeColumns.Available); // e_sqlite3, the bundle Microsoft.Data.Sqlite ships

        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_prepare_v2(connection.Handle, "SELECT 'Grüße', 9007199254740993, NULL;", out var statement));
        using (statement)
        {
            var native = statement.DangerousGetHandle();
            Assert.Equal(raw.SQLITE_ROW, SqliteNativeColumns.Step(native));
            Assert.Equal("Grüße"u8.ToArray(), SqliteNativeColumns.Bytes(native, 0).ToArray());
            Assert.Equal((9007199254740993L, raw.SQLITE_NULL), (SqliteNativeColumns.Int64(native, 1), SqliteNativeColumns.Type(native, 2)));
            Assert.Equal(raw.SQLITE_DONE, SqliteNativeColumns.Step(native));
        }
    }
}
