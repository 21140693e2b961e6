using Opportunity.Routing;

namespace Opportunity.Persistence;

/// <summary>Picks the rule set for a tenant. The default returns <c>LeadDistributionOptions.RuleSet</c>.</summary>
public interface IRoutingRuleSetProvider
{
    /// <summary>The rule set in force for <paramref name="tenant"/>.</summary>
    ValueTask<RoutingRuleSet> GetAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>The rule set that routes <paramref name="lead"/> (rule sets chosen by the lead, <see cref="RoutingRuleSets"/>); by default the tenant's one rule set.</summary>
    ValueTask<RoutingRuleSet> GetAsync(TenantId tenant, Leads.LeadDetails lead, CancellationToken cancellationToken = default) => GetAsync(tenant, cancellationToken);
}
