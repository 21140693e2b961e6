using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Configuration;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

namespace Opportunity;

/// <summary>Registers Opportunity.Core with a service collection.</summary>
public static class OpportunityServiceCollectionExtensions
{
    /// <summary>
    /// Registers the clock (the system clock unless an <see cref="IClock"/> is registered), the
    /// pipeline catalog, the in-memory stores (replaced by adapters such as <c>UseSqlite</c>), and
    /// validated options. Safe to call more than once; configurations accumulate.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when options are invalid.</exception>
    public static OpportunityManagementBuilder AddOpportunityManagement(this IServiceCollection services, Action<OpportunityManagementOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OpportunityManagementOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpportunityManagementOptions>, OpportunityManagementOptionsValidator>());
#pragma warning disable RS0030 // The DI default is the one place the system clock is allowed.
        services.TryAddSingleton<IClock>(SystemClock.Instance);
#pragma warning restore RS0030
        services.TryAddSingleton(_ => new PipelineCatalog());
        services.TryAddSingleton(sp => new InMemoryStore(sp.GetRequiredService<PipelineCatalog>(), sp.GetRequiredService<IClock>()));
        services.TryAddSingleton(sp => StorePorts.Of(sp.GetRequiredService<InMemoryStore>()));
        StorePortRegistrations.Register(services, replace: false);
        return new OpportunityManagementBuilder(services);
    }

    /// <summary>
    /// <see cref="AddOpportunityManagement(IServiceCollection, Action{OpportunityManagementOptions}?)"/>
    /// with options bound from a configuration section, e.g. <c>configuration.GetSection("Opportunity")</c>
    /// (durations as TimeSpan <c>"00:05:00"</c> or ISO-8601 <c>"PT5M"</c>). Every adapter's
    /// <c>Use…</c>/<c>Add…</c> method has the same <see cref="IConfiguration"/> overload for its own
    /// options. An unknown key fails the start, naming it.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when options are invalid.</exception>
    /// <exception cref="InvalidOperationException">At start or first use, when a value cannot be converted; the message names the key.</exception>
    public static OpportunityManagementBuilder AddOpportunityManagement(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ConfigurationConverters.Register();
        services.AddOptions<OpportunityManagementOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return services.AddOpportunityManagement();
    }
}
