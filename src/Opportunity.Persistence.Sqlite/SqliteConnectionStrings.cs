using Microsoft.Data.Sqlite;

namespace Opportunity.Persistence.Sqlite;

/// <summary>What makes a SQLite connection string acceptable, in one place for the registration and the validator.</summary>
internal static class SqliteConnectionStrings
{
    /// <summary>
    /// Null when <paramref name="connectionString"/> is a usable Microsoft.Data.Sqlite connection
    /// string, else why not. Never echoes the string itself (it may carry a password), except a bare
    /// path, which is no secret and is the mistake this exists to catch.
    /// </summary>
    public static string? Problem(string connectionString)
    {
        if (!connectionString.Contains('=', StringComparison.Ordinal))
        {
            return $"'{connectionString}' is a file path, not a connection string. Call UseSqliteFile(\"{connectionString}\") "
                + $"(or set {nameof(SqliteStoreOptions.DatabasePath)}), or write \"Data Source={connectionString}\".";
        }

        try
        {
            var builder = new SqliteConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.DataSource) ? "it has no Data Source." : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return $"it is not a valid SQLite connection string: {ex.Message}";
        }
    }
}
