using Opportunity.Routing;

namespace Opportunity.Persistence;

/// <summary>Picks the rule set for a tenant. The default returns <c>LeadDistributionOptions.RuleSet</c>.</summary>
public interface IRoutingRuleSetProvider
{
    /// <summary>The rule set in force for <paramref name="tenant"/>.</summary>
    ValueTask<RoutingRuleSet> GetAsync(TenantId tenant, CancellationToken cancellationToken = default);
}
