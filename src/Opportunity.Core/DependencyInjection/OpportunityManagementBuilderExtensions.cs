using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Opportunity.Configuration;
using Opportunity.Persistence;
using Opportunity.Workflows;

namespace Opportunity;

/// <summary>Registers lead distribution (routing, escalation, follow-up) on the Opportunity builder.</summary>
public static partial class OpportunityManagementBuilderExtensions
{
    /// <summary>
    /// Registers the lead distribution services — <see cref="LeadIntakeService"/> (capture, qualify,
    /// assign), <see cref="PartnerLeadService"/> (accept, reject, convert),
    /// <see cref="PartnerOpportunityService"/> (a partner's activities and updates on its deals),
    /// <see cref="DealRegistrationService"/>, <see cref="LeadRouter"/> (route, explain) and
    /// <see cref="DueWorkProcessor"/> (escalation, follow-up) — the default
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
        services.TryAddSingleton<RoutingRulesFileLoader>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<LeadDistributionOptions>, RoutingRulesFileLoader>(sp => sp.GetRequiredService<RoutingRulesFileLoader>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<LeadDistributionOptions>, RoutingRulesFileLoader>(sp => sp.GetRequiredService<RoutingRulesFileLoader>()));
        services.TryAddSingleton<IRoutingRuleSetProvider>(sp => new OptionsRoutingRuleSetProvider(sp.GetRequiredService<IOptionsMonitor<LeadDistributionOptions>>()));
        services.TryAddSingleton<IRoutingNetworkProvider, DirectoryRoutingNetworkProvider>();
        services.TryAddSingleton<IPartnerLoadProvider, LeadStorePartnerLoadProvider>();
        services.TryAddSingleton<IPartnerPerformanceProvider, NoPartnerPerformanceProvider>();
        services.TryAddSingleton<LeadRouter>();
        services.TryAddSingleton<LeadIntakeService>();
        services.TryAddSingleton<PartnerLeadService>();
        services.TryAddSingleton<PartnerOpportunityService>();
        services.TryAddSingleton<DistributorLeadService>();
        services.TryAddSingleton<DealRegistrationService>();
        services.TryAddSingleton<LeadRecyclingService>();
        services.TryAddSingleton<DueWorkProcessor>();
        services.TryAddSingleton<SlaClockService>();
        return builder;
    }

    /// <summary>
    /// <see cref="AddLeadDistribution(OpportunityManagementBuilder, Action{LeadDistributionOptions}?)"/>
    /// with options bound from a configuration section, e.g.
    /// <c>configuration.GetSection("Opportunity:LeadDistribution")</c>: durations as TimeSpan or
    /// ISO-8601 strings, the rule set through <see cref="LeadDistributionOptions.RoutingRulesFile"/>,
    /// the escalation ladders, follow-up, privacy and duplicate policies and the fallback calendar
    /// from sections of their own (docs/configuration.md). Reloads with the configuration. An
    /// unknown key or a bad value fails the start, naming its key path.
    /// </summary>
    public static OpportunityManagementBuilder AddLeadDistribution(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        // The policies are immutable domain types the binder cannot build; a reader of their own takes their sections.
        builder.Services.AddOptions<LeadDistributionOptions>()
            .Bind(new ConfigurationWithoutSections(configuration, LeadDistributionPolicySections.Names), binder => binder.ErrorOnUnknownConfiguration = true);
        builder.Services.AddSingleton<IConfigureOptions<LeadDistributionOptions>>(sp => new LeadDistributionPolicySections(configuration, sp));
        return builder.AddLeadDistribution();
    }
}
