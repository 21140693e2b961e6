using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Opportunity.Workflows;
using Opportunity.Hosting;

namespace Opportunity;

/// <summary>Registers Opportunity.Hosting on the Opportunity builder.</summary>
public static class HostingOpportunityManagementBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="DueWorkHostedService"/> as a hosted service, with validated
    /// <see cref="DueWorkHostingOptions"/> and the default <see cref="IDueWorkDelay"/> (register your
    /// own first to replace it). Registers lead distribution too when it is not there yet (with its
    /// defaults; call <c>AddLeadDistribution</c> to configure it). Safe to call more than once;
    /// configurations accumulate and the service runs once.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when the options are invalid.</exception>
    public static OpportunityManagementBuilder AddDueWorkHostedService(this OpportunityManagementBuilder builder, Action<DueWorkHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddLeadDistribution();
        var services = builder.Services;
        var options = services.AddOptions<DueWorkHostingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DueWorkHostingOptions>, DueWorkHostingOptionsValidator>());
        services.TryAddSingleton<IDueWorkDelay, TaskDueWorkDelay>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DueWorkHostedService>());
        return builder;
    }

    /// <summary>
    /// <see cref="AddDueWorkHostedService(OpportunityManagementBuilder, Action{DueWorkHostingOptions}?)"/>
    /// with options bound from a configuration section, e.g. <c>{ "Interval": "00:01:00" }</c>
    /// (TimeSpan or ISO-8601 <c>"PT1M"</c>). An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder AddDueWorkHostedService(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<DueWorkHostingOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.AddDueWorkHostedService();
    }
}
