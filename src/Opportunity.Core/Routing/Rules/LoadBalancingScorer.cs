using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Scores free capacity: 1 − open ÷ capacity (1 for unlimited partners), so the partner with the most free capacity ranks first.</summary>
public sealed class LoadBalancingScorer : IColumnarScorer
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
        return partner.Capacity is { } capacity ? Free(context.Load.OpenLeads(partner.Id), capacity) : 1;
    }

    double IColumnarScorer.Score(int index, RoutingContext context)
    {
        var capacity = context.Network.Row(index).Capacity;
        return capacity == PartnerColumns.Unlimited ? 1 : Free(context.OpenLeads(index), capacity);
    }

    private static double Free(int open, int capacity) => capacity == 0 ? 0 : Math.Max(0, 1 - (open / (double)capacity));
}
