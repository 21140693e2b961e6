using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Persistence.Sqlite;

/// <summary>Checks <see cref="SqliteStoreOptions"/>; failures name the option.</summary>
public sealed class SqliteStoreOptionsValidator : IValidateOptions<SqliteStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DatabasePath) && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{nameof(SqliteStoreOptions.DatabasePath)} or {nameof(SqliteStoreOptions.ConnectionString)} must be set.");
        }

        if (options.BusyTimeout <= Duration.Zero)
        {
            failures.Add($"{nameof(SqliteStoreOptions.BusyTimeout)} must be positive, was {options.BusyTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
