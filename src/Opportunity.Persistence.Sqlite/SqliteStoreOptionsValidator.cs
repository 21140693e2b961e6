using Microsoft.Extensions.Options;
using NodaTime;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>Checks <see cref="SqliteStoreOptions"/>; failures name the option.</summary>
public sealed class SqliteStoreOptionsValidator : IValidateOptions<SqliteStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasPath = !string.IsNullOrWhiteSpace(options.DatabasePath);
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasName = !string.IsNullOrWhiteSpace(options.ConnectionStringName);
        if (!hasPath && !hasConnectionString && !hasName)
        {
            failures.Add($"{nameof(SqliteStoreOptions.DatabasePath)}, {nameof(SqliteStoreOptions.ConnectionString)} or {nameof(SqliteStoreOptions.ConnectionStringName)} must be set.");
        }

        if (hasPath && (hasConnectionString || hasName))
        {
            failures.Add($"Set either {nameof(SqliteStoreOptions.DatabasePath)} or {nameof(SqliteStoreOptions.ConnectionString)}/{nameof(SqliteStoreOptions.ConnectionStringName)}, not both.");
        }

        if (hasName && !hasConnectionString)
        {
            failures.Add($"{nameof(SqliteStoreOptions.ConnectionStringName)} '{options.ConnectionStringName}' names no connection string: the configuration has no 'ConnectionStrings:{options.ConnectionStringName}' (or no IConfiguration is registered).");
        }

        if (hasConnectionString && SqliteConnectionStrings.Problem(options.ConnectionString!) is { } problem)
        {
            failures.Add($"{nameof(SqliteStoreOptions.ConnectionString)}: {problem}");
        }

        if (options.BusyTimeout <= Duration.Zero)
        {
            failures.Add($"{nameof(SqliteStoreOptions.BusyTimeout)} must be positive, was {options.BusyTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
