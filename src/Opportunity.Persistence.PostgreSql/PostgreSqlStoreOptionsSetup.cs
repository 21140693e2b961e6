using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Resolves the connection-string names of <see cref="PostgreSqlStoreOptions"/> from the registered <see cref="IConfiguration"/>.</summary>
internal sealed class PostgreSqlStoreOptionsSetup(IServiceProvider services) : IPostConfigureOptions<PostgreSqlStoreOptions>
{
    public void PostConfigure(string? name, PostgreSqlStoreOptions options)
    {
        var configuration = services.GetService<IConfiguration>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString) && !string.IsNullOrWhiteSpace(options.ConnectionStringName))
        {
            options.ConnectionString = configuration?.GetConnectionString(options.ConnectionStringName) ?? string.Empty;
        }

        if (string.IsNullOrWhiteSpace(options.MigrationConnectionString) && !string.IsNullOrWhiteSpace(options.MigrationConnectionStringName))
        {
            options.MigrationConnectionString = configuration?.GetConnectionString(options.MigrationConnectionStringName);
        }
    }
}
