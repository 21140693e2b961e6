using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Opportunity.Pipelines;
using Opportunity.Persistence;
using Opportunity.Persistence.PostgreSql;

namespace Opportunity;

/// <summary>Registers <see cref="PostgreSqlStore"/> as the store of the managed mode.</summary>
public static class PostgreSqlOpportunityManagementBuilderExtensions
{
    /// <summary>Stores everything in the PostgreSQL database of <paramref name="connectionString"/> (schema <c>opportunity</c>).</summary>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public static OpportunityManagementBuilder UsePostgreSql(this OpportunityManagementBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UsePostgreSql(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// Replaces the in-memory stores (<see cref="ILeadStore"/>, <see cref="IOpportunityStore"/>,
    /// <see cref="IPartnerDirectory"/>, <see cref="IOutboxStore"/>, <see cref="IOpportunityImporter"/>)
    /// and the in-memory routing decision log (<see cref="Workflows.IRoutingDecisionLog"/>, whether
    /// <c>AddLeadDistribution</c> is called before or after) with one <see cref="PostgreSqlStore"/>,
    /// also resolvable as itself for the pipeline aggregation. Options are validated at start; safe
    /// to call twice.
    /// </summary>
    public static OpportunityManagementBuilder UsePostgreSql(this OpportunityManagementBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<PostgreSqlStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>());
        return builder.UseStore(Create).UseRoutingDecisionLog(Create);
    }

    private static PostgreSqlStore Create(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value, services.GetService<PipelineCatalog>());
}
