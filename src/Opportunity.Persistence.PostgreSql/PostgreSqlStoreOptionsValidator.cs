using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Checks <see cref="PostgreSqlStoreOptions"/>; failures name the option.</summary>
public sealed partial class PostgreSqlStoreOptionsValidator : IValidateOptions<PostgreSqlStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.DataSource is not null)
        {
            // The application's data source is the connection; a connection string as well would be ambiguous.
            if (!string.IsNullOrWhiteSpace(options.ConnectionString) || !string.IsNullOrWhiteSpace(options.ConnectionStringName))
            {
                failures.Add($"{nameof(PostgreSqlStoreOptions.DataSource)} is set, so {nameof(PostgreSqlStoreOptions.ConnectionString)} and {nameof(PostgreSqlStoreOptions.ConnectionStringName)} must be empty: the store opens its connections from the data source.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(options.ConnectionStringName) && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{nameof(PostgreSqlStoreOptions.ConnectionStringName)} '{options.ConnectionStringName}' names no connection string: the configuration has no 'ConnectionStrings:{options.ConnectionStringName}' (or no IConfiguration is registered).");
        }
        else if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{nameof(PostgreSqlStoreOptions.ConnectionString)}, {nameof(PostgreSqlStoreOptions.ConnectionStringName)} or {nameof(PostgreSqlStoreOptions.DataSource)} must be set.");
        }
        else if (PostgreSqlConnectionStrings.Problem(options.ConnectionString) is { } problem)
        {
            failures.Add($"{nameof(PostgreSqlStoreOptions.ConnectionString)}: {problem}");
        }

        if (!string.IsNullOrWhiteSpace(options.MigrationConnectionStringName) && options.MigrationConnectionString is null)
        {
            failures.Add($"{nameof(PostgreSqlStoreOptions.MigrationConnectionStringName)} '{options.MigrationConnectionStringName}' names no connection string: the configuration has no 'ConnectionStrings:{options.MigrationConnectionStringName}' (or no IConfiguration is registered).");
        }
        else if (options.MigrationConnectionString is { } migration && PostgreSqlConnectionStrings.Problem(migration) is { } migrationProblem)
        {
            failures.Add($"{nameof(PostgreSqlStoreOptions.MigrationConnectionString)}: {migrationProblem}");
        }

        if (options.Schema is null || !Identifier().IsMatch(options.Schema))
        {
            failures.Add($"{nameof(PostgreSqlStoreOptions.Schema)} must be a lower-case identifier (letters, digits, underscores, at most 63), was '{options.Schema}'.");
        }

        foreach (var role in options.GrantTo)
        {
            if (role is null || !Identifier().IsMatch(role))
            {
                failures.Add($"{nameof(PostgreSqlStoreOptions.GrantTo)} holds '{role}', which is not a lower-case role name.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
