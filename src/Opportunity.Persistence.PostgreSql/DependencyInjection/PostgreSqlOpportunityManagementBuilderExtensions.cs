using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Opportunity.Pipelines;
using Opportunity.Persistence;
using Opportunity.Persistence.PostgreSql;

namespace Opportunity;

/// <summary>Registers <see cref="PostgreSqlStore"/> as the store of the managed mode.</summary>
public static class PostgreSqlOpportunityManagementBuilderExtensions
{
    /// <summary>
    /// Stores everything in the PostgreSQL database of <paramref name="connectionString"/> (schema
    /// <c>opportunity</c>), e.g. <c>configuration.GetConnectionString("Opportunity")</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is null or empty (e.g. a missing <c>ConnectionStrings</c> entry) or not a valid Npgsql connection string; the message says which.</exception>
    public static OpportunityManagementBuilder UsePostgreSql(this OpportunityManagementBuilder builder, string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                $"The PostgreSQL connection string is empty. If it comes from GetConnectionString(name), configuration has no 'ConnectionStrings:name'; set {nameof(PostgreSqlStoreOptions.ConnectionStringName)} to have that reported at start with the name.",
                nameof(connectionString));
        }

        if (PostgreSqlConnectionStrings.Problem(connectionString) is { } problem)
        {
            throw new ArgumentException($"{nameof(PostgreSqlStoreOptions.ConnectionString)}: {problem}", nameof(connectionString));
        }

        return builder.UsePostgreSql(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// Stores everything in the database of the application's own <paramref name="dataSource"/>
    /// (<see cref="PostgreSqlStoreOptions.DataSource"/>): the store opens its connections from it,
    /// sharing the application's pool and authentication, and never disposes it. Other options
    /// (schema, migration role) are set with
    /// <see cref="UsePostgreSql(OpportunityManagementBuilder, Action{PostgreSqlStoreOptions})"/> or a
    /// configuration section as well; they add up.
    /// </summary>
    public static OpportunityManagementBuilder UsePostgreSql(this OpportunityManagementBuilder builder, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UsePostgreSql(options => options.DataSource = dataSource);
    }

    /// <summary>
    /// Stores everything in the database of the application's data source resolved from the
    /// container, e.g. <c>UsePostgreSql(sp =&gt; sp.GetRequiredService&lt;NpgsqlDataSource&gt;())</c> after
    /// <c>services.AddNpgsqlDataSource(…)</c> (or a keyed one). Resolved when the store is first
    /// needed; the container that registered it disposes it, not the store.
    /// </summary>
    public static OpportunityManagementBuilder UsePostgreSql(this OpportunityManagementBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        builder.Services.AddOptions<PostgreSqlStoreOptions>().Configure<IServiceProvider>((options, services) => options.DataSource = dataSource(services));
        return builder.UsePostgreSql(_ => { });
    }

    /// <summary>
    /// <see cref="UsePostgreSql(OpportunityManagementBuilder, Action{PostgreSqlStoreOptions})"/> with
    /// options bound from a configuration section, e.g.
    /// <c>{ "ConnectionStringName": "Opportunity", "MigrationConnectionStringName": "OpportunityOwner", "GrantTo": [ "opportunity_app" ] }</c>.
    /// An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder UsePostgreSql(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<PostgreSqlStoreOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.UsePostgreSql(_ => { });
    }

    /// <summary>
    /// Replaces the in-memory ports with those of one <see cref="PostgreSqlStore"/>
    /// (<see cref="OpportunityManagementBuilder.UseStorePorts{TPorts}"/>): <see cref="ILeadStore"/>,
    /// <see cref="IOpportunityStore"/>, <see cref="IPartnerDirectory"/>, <see cref="IOutboxStore"/>,
    /// <see cref="IOpportunityImporter"/> and every optional port the store has (the routing decision log,
    /// lead conversions and merges, the change feed, the forecast stores, …), each resolving to the
    /// store's property of that port; the store itself resolves as <see cref="PostgreSqlStore"/> and
    /// <see cref="StorePorts"/>. Resolves <see cref="PostgreSqlStoreOptions.ConnectionStringName"/> from the
    /// registered <see cref="IConfiguration"/>. Options are validated at start; safe to call twice.
    /// </summary>
    public static OpportunityManagementBuilder UsePostgreSql(this OpportunityManagementBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<PostgreSqlStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>());
        return builder.UseStorePorts(Create);
    }

    private static PostgreSqlStore Create(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value, services.GetService<PipelineCatalog>());
}
