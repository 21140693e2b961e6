using Microsoft.Extensions.Options;
using Opportunity.Persistence;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// The default <see cref="IRoutingRuleSetProvider"/>: <see cref="LeadDistributionOptions.RuleSet"/>
/// for every tenant. Registered by <c>AddLeadDistribution</c> over <see cref="IOptionsMonitor{TOptions}"/>,
/// read per decision, so reloaded rules (<see cref="LeadDistributionOptions.RoutingRulesFile"/>,
/// configuration) apply to the next decision without a restart.
/// </summary>
public sealed class OptionsRoutingRuleSetProvider : IRoutingRuleSetProvider
{
    private readonly Func<LeadDistributionOptions> _options;

    /// <summary>Creates the provider over fixed options.</summary>
    public OptionsRoutingRuleSetProvider(IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = () => options.Value;
    }

    /// <summary>Creates the provider over options that may change; each decision reads the current value.</summary>
    public OptionsRoutingRuleSetProvider(IOptionsMonitor<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = () => options.CurrentValue;
    }

    /// <inheritdoc />
    public ValueTask<RoutingRuleSet> GetAsync(TenantId tenant, CancellationToken cancellationToken = default) => ValueTask.FromResult(_options().RuleSet);

    /// <summary>The first of <see cref="LeadDistributionOptions.RuleSets"/> whose condition the lead meets; <see cref="LeadDistributionOptions.RuleSet"/> when there is no list.</summary>
    public ValueTask<RoutingRuleSet> GetAsync(TenantId tenant, Opportunity.Leads.LeadDetails lead, CancellationToken cancellationToken = default)
    {
        var options = _options();
        return ValueTask.FromResult(options.RuleSets?.For(lead) ?? options.RuleSet);
    }
}
