using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Opportunity.Pipelines;
using Opportunity.Persistence;
using Opportunity.Persistence.Sqlite;

namespace Opportunity;

/// <summary>Registers <see cref="SqliteStore"/> as the store of the managed mode.</summary>
public static class SqliteOpportunityManagementBuilderExtensions
{
    /// <summary>Stores everything in the SQLite file at <paramref name="databasePath"/> (created when missing).</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static OpportunityManagementBuilder UseSqlite(this OpportunityManagementBuilder builder, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return builder.UseSqlite(options => options.DatabasePath = databasePath);
    }

    /// <summary>
    /// Replaces the in-memory stores (<see cref="ILeadStore"/>, <see cref="IOpportunityStore"/>,
    /// <see cref="IPartnerDirectory"/>, <see cref="IOutboxStore"/>, <see cref="IOpportunityImporter"/>)
    /// and the in-memory routing decision log (<see cref="Workflows.IRoutingDecisionLog"/>, whether
    /// <c>AddLeadDistribution</c> is called before or after) with one <see cref="SqliteStore"/>.
    /// Options are validated at start; safe to call twice.
    /// </summary>
    public static OpportunityManagementBuilder UseSqlite(this OpportunityManagementBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<SqliteStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        return builder.UseStore(Create).UseRoutingDecisionLog(Create);
    }

    private static SqliteStore Create(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<SqliteStoreOptions>>().Value, services.GetService<PipelineCatalog>());
}
