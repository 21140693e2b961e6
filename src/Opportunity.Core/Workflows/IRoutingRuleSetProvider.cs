using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>Picks the rule set for a tenant. The default returns <see cref="LeadDistributionOptions.RuleSet"/>.</summary>
public interface IRoutingRuleSetProvider
{
    /// <summary>The rule set in force for <paramref name="tenant"/>.</summary>
    ValueTask<RoutingRuleSet> GetAsync(TenantId tenant, CancellationToken cancellationToken = default);
}
