using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Opportunity.Workflows;

namespace Opportunity;

/// <summary>Registers lead distribution (routing, escalation, follow-up) on the Opportunity builder.</summary>
public static class OpportunityManagementBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="LeadDistributionService"/>, <see cref="DueWorkProcessor"/>, the default
    /// providers (rule set from options, network from the partner directory, load from the lead
    /// store, no performance data, in-memory decision log; each replaceable by registering your own
    /// first) and validated <see cref="LeadDistributionOptions"/>. The decision log of a durable
    /// adapter (<c>UseSqlite</c>, <c>UsePostgreSql</c>, or
    /// <see cref="OpportunityManagementBuilder.UseRoutingDecisionLog{TLog}"/>) wins whether it is
    /// registered before or after this call. Safe to call more than once.
    /// </summary>
    public static OpportunityManagementBuilder AddLeadDistribution(this OpportunityManagementBuilder builder, Action<LeadDistributionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<LeadDistributionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeadDistributionOptions>, LeadDistributionOptionsValidator>());
        services.TryAddSingleton<IRoutingRuleSetProvider, OptionsRoutingRuleSetProvider>();
        services.TryAddSingleton<IRoutingNetworkProvider, DirectoryRoutingNetworkProvider>();
        services.TryAddSingleton<IPartnerLoadProvider, LeadStorePartnerLoadProvider>();
        services.TryAddSingleton<IPartnerPerformanceProvider, NoPartnerPerformanceProvider>();
        services.TryAddSingleton<IRoutingDecisionLog, InMemoryRoutingDecisionLog>();
        services.TryAddSingleton<LeadDistributionService>();
        services.TryAddSingleton<DueWorkProcessor>();
        return builder;
    }
}
