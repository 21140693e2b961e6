using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Scores free capacity: 1 − open ÷ capacity (1 for unlimited partners), so the partner with the most free capacity ranks first.</summary>
public sealed class LoadBalancingScorer : IRoutingScorer
{
    /// <summary>The kind name, <c>loadBalancing</c>.</summary>
    public const string KindName = "loadBalancing";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public double Score(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        if (partner.Capacity is not { } capacity)
        {
            return 1;
        }

        return capacity == 0 ? 0 : Math.Max(0, 1 - (context.Load.OpenLeads(partner.Id) / (double)capacity));
    }
}
