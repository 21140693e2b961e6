using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Scores the partner's tier: its weight ÷ the largest weight. Default weights: Registered 1, Silver 2, Gold 3, Platinum 4.</summary>
public sealed class TierScorer : IRoutingScorer
{
    /// <summary>The kind name, <c>tier</c>.</summary>
    public const string KindName = "tier";

    private readonly double _max;

    /// <summary>Creates the scorer.</summary>
    /// <param name="weights">Weight per tier name (case-insensitive), each ≥ 0; tiers not listed weigh 0. Null for the defaults.</param>
    /// <exception cref="ArgumentException">A weight is negative or not finite, or all are zero.</exception>
    public TierScorer(IReadOnlyDictionary<string, double>? weights = null)
    {
        Weights = TierWeights.Validate(weights ?? TierWeights.Defaults, nameof(weights));
        Description = $"{KindName} {TierWeights.Describe(Weights)}";
        _max = Weights.Count == 0 ? 0 : Weights.Values.Max();
        if (_max <= 0)
        {
            throw new ArgumentException("At least one tier weight must be positive.", nameof(weights));
        }
    }

    /// <summary>The weights.</summary>
    public IReadOnlyDictionary<string, double> Weights { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public double Score(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return Weights.GetValueOrDefault(partner.Tier.Name) / _max;
    }
}
