namespace Opportunity.Routing;

/// <summary>A scorer with its weight in the rule set's total score.</summary>
public sealed record WeightedScorer
{
    /// <summary>Creates the pair.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative, NaN or infinite.</exception>
    public WeightedScorer(IRoutingScorer scorer, double weight)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "A scorer weight must be a finite number ≥ 0.");
        }

        Scorer = scorer;
        Weight = weight;
    }

    /// <summary>The scorer.</summary>
    public IRoutingScorer Scorer { get; }

    /// <summary>Its weight.</summary>
    public double Weight { get; }
}
