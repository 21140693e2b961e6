using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Opportunity.Workflows;

namespace Opportunity;

/// <summary>Registers the scheduled forecast snapshots per node on the Opportunity builder.</summary>
public static class ForecastSnapshotScheduleBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="ForecastSnapshotScheduler"/> with validated
    /// <see cref="ForecastSnapshotScheduleOptions"/>; <see cref="DueWorkProcessor"/> (registered by
    /// <c>AddLeadDistribution</c>) then takes the due snapshots on every pass, each exactly once across
    /// the hosts sharing the store. Safe to call more than once.
    /// </summary>
    public static OpportunityManagementBuilder AddForecastSnapshotSchedule(this OpportunityManagementBuilder builder, Action<ForecastSnapshotScheduleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ForecastSnapshotScheduleOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ForecastSnapshotScheduleOptions>, ForecastSnapshotScheduleOptionsValidator>());
        builder.Services.TryAddSingleton<ForecastSnapshotScheduler>();
        return builder;
    }

    /// <summary>
    /// <see cref="AddForecastSnapshotSchedule(OpportunityManagementBuilder, Action{ForecastSnapshotScheduleOptions}?)"/>
    /// with options bound from a configuration section, e.g. <c>configuration.GetSection("Opportunity:ForecastSnapshots")</c>
    /// (docs/configuration.md). An unknown key or a bad value fails the start, naming its key.
    /// </summary>
    public static OpportunityManagementBuilder AddForecastSnapshotSchedule(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<ForecastSnapshotScheduleOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.AddForecastSnapshotSchedule();
    }
}
