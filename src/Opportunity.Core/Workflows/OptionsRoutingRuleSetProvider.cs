using Microsoft.Extensions.Options;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>The default <see cref="IRoutingRuleSetProvider"/>: <see cref="LeadDistributionOptions.RuleSet"/> for every tenant.</summary>
public sealed class OptionsRoutingRuleSetProvider : IRoutingRuleSetProvider
{
    private readonly IOptions<LeadDistributionOptions> _options;

    /// <summary>Creates the provider.</summary>
    public OptionsRoutingRuleSetProvider(IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public ValueTask<RoutingRuleSet> GetAsync(TenantId tenant, CancellationToken cancellationToken = default) => ValueTask.FromResult(_options.Value.RuleSet);
}
