using Npgsql;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>What makes a PostgreSQL connection string acceptable, in one place for the registration and the validator.</summary>
internal static class PostgreSqlConnectionStrings
{
    /// <summary>Null when <paramref name="connectionString"/> parses as an Npgsql connection string, else why not (never echoing it: it may carry a password).</summary>
    public static string? Problem(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return $"it is not a valid Npgsql connection string ('Host=…;Database=…;Username=…'): {ex.Message}";
        }
    }
}
