using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// Completes <see cref="SqliteStoreOptions"/> in the managed mode: resolves
/// <see cref="SqliteStoreOptions.ConnectionStringName"/> from <see cref="IConfiguration"/> and makes
/// relative database paths absolute against the host's content root (the current directory without
/// a host), so the file does not move with the working directory.
/// </summary>
internal sealed class SqliteStoreOptionsSetup(IServiceProvider services) : IPostConfigureOptions<SqliteStoreOptions>
{
    public void PostConfigure(string? name, SqliteStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString) && !string.IsNullOrWhiteSpace(options.ConnectionStringName))
        {
            options.ConnectionString = services.GetService<IConfiguration>()?.GetConnectionString(options.ConnectionStringName);
        }

        if (!string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            options.DatabasePath = Resolve(options.DatabasePath);
        }
        else if (!string.IsNullOrWhiteSpace(options.ConnectionString) && SqliteConnectionStrings.Problem(options.ConnectionString) is null)
        {
            var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
            var source = builder.DataSource;
            var isRelativeFile = builder.Mode != SqliteOpenMode.Memory
                && source is not ":memory:"
                && !source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
                && !source.StartsWith('|')
                && !Path.IsPathRooted(source);
            if (isRelativeFile)
            {
                builder.DataSource = Resolve(source);
                options.ConnectionString = builder.ToString();
            }
        }
    }

    // The library's rule for relative paths in options (as for Core's RoutingRulesFile): the content root.
    private string Resolve(string path) =>
        Path.GetFullPath(path, services.GetService<IHostEnvironment>()?.ContentRootPath is { Length: > 0 } root ? Path.GetFullPath(root) : Environment.CurrentDirectory);
}
