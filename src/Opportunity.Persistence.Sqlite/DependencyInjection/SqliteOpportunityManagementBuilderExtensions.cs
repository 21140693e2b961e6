using Microsoft.Extensions.Configuration;
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
    /// <summary>
    /// Stores everything in the SQLite database of <paramref name="connectionString"/>, a
    /// Microsoft.Data.Sqlite connection string as EF Core's <c>UseSqlite</c> takes it, e.g.
    /// <c>"Data Source=opportunity.db"</c> or <c>configuration.GetConnectionString("Opportunity")</c>.
    /// The file is created when missing; a relative Data Source resolves against the host's content
    /// root. For a plain file path call <see cref="UseSqliteFile"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is null or empty (e.g. a missing <c>ConnectionStrings</c> entry), a bare path, or not a valid SQLite connection string; the message says which.</exception>
    public static OpportunityManagementBuilder UseSqlite(this OpportunityManagementBuilder builder, string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                $"The SQLite connection string is empty. If it comes from GetConnectionString(name), configuration has no 'ConnectionStrings:name'; set {nameof(SqliteStoreOptions.ConnectionStringName)} to have that reported at start with the name.",
                nameof(connectionString));
        }

        if (SqliteConnectionStrings.Problem(connectionString) is { } problem)
        {
            throw new ArgumentException($"{nameof(SqliteStoreOptions.ConnectionString)}: {problem}", nameof(connectionString));
        }

        return builder.UseSqlite(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// Stores everything in the SQLite file at <paramref name="databasePath"/> (created with its
    /// folder when missing); a relative path resolves against the host's content root.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static OpportunityManagementBuilder UseSqliteFile(this OpportunityManagementBuilder builder, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return builder.UseSqlite(options => options.DatabasePath = databasePath);
    }

    /// <summary>
    /// <see cref="UseSqlite(OpportunityManagementBuilder, Action{SqliteStoreOptions})"/> with options
    /// bound from a configuration section, e.g. <c>{ "ConnectionStringName": "Opportunity", "BusyTimeout": "00:00:30" }</c>.
    /// An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder UseSqlite(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<SqliteStoreOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.UseSqlite(_ => { });
    }

    /// <summary>
    /// Replaces the in-memory stores (<see cref="ILeadStore"/>, <see cref="IOpportunityStore"/>,
    /// <see cref="IPartnerDirectory"/>, <see cref="IOutboxStore"/>, <see cref="IOpportunityImporter"/>,
    /// <see cref="Persistence.Forecasts.IForecastSnapshotStore"/>, <see cref="Persistence.Forecasts.ISalesTargetStore"/>, …)
    /// and the in-memory routing decision log (<see cref="IRoutingDecisionLog"/>, whether
    /// <c>AddLeadDistribution</c> is called before or after) with the ports of one <see cref="SqliteStore"/>
    /// (<see cref="OpportunityManagementBuilder.UseStorePorts{TPorts}"/>; the store itself resolves as <see cref="SqliteStore"/>).
    /// Resolves <see cref="SqliteStoreOptions.ConnectionStringName"/> from the registered
    /// <see cref="IConfiguration"/> and relative paths against the content root. Options are
    /// validated at start; safe to call twice.
    /// </summary>
    public static OpportunityManagementBuilder UseSqlite(this OpportunityManagementBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<SqliteStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SqliteStoreOptions>, SqliteStoreOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        return builder.UseStorePorts(Create);
    }

    private static SqliteStore Create(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<SqliteStoreOptions>>().Value, services.GetService<PipelineCatalog>());
}
