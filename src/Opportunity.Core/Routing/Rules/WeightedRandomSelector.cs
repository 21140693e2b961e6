namespace Opportunity.Routing.Rules;

/// <summary>
/// Draws one candidate at random with probability proportional to its weight: the total score, or
/// a weight per tier. A weight of 0 means never. The draw comes from the decision's seed, so it
/// replays exactly.
/// </summary>
public sealed class WeightedRandomSelector : IRoutingSelector
{
    /// <summary>The kind name, <c>weightedRandom</c>.</summary>
    public const string KindName = "weightedRandom";

    private readonly Dictionary<string, double>? _tierWeights;

    private WeightedRandomSelector(Dictionary<string, double>? tierWeights, string description)
    {
        _tierWeights = tierWeights;
        Description = description;
    }

    /// <summary>Weights are the candidates' total scores.</summary>
    public static WeightedRandomSelector ByScore() => new(null, $"{KindName} by score");

    /// <summary>Weights per tier name (case-insensitive); unlisted tiers weigh 0. Null for Registered 1, Silver 2, Gold 3, Platinum 4.</summary>
    /// <exception cref="ArgumentException">A weight is negative or not finite.</exception>
    public static WeightedRandomSelector ByTier(IReadOnlyDictionary<string, double>? tierWeights = null)
    {
        var weights = TierWeights.Validate(tierWeights ?? TierWeights.Defaults, nameof(tierWeights));
        return new(weights, $"{KindName} by tier {TierWeights.Describe(weights)}");
    }

    /// <summary>The tier weights, or null when weighting by score.</summary>
    public IReadOnlyDictionary<string, double>? TierWeightsByName => _tierWeights;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public int MaxPicks => 1;

    /// <inheritdoc />
    public int Select(ReadOnlySpan<RoutingCandidate> candidates, RoutingContext context, Span<int> picks, out RoutingNote note)
    {
        ArgumentNullException.ThrowIfNull(context);
        var total = 0.0;
        foreach (var c in candidates)
        {
            total += WeightOf(c);
        }

        if (!(total > 0))
        {
            note = new RoutingNote("no candidate has a positive weight");
            return 0;
        }

        var draw = context.NextRandom() * total;
        var last = -1;
        for (var i = 0; i < candidates.Length; i++)
        {
            var weight = WeightOf(candidates[i]);
            if (weight <= 0)
            {
                continue;
            }

            last = i;
            draw -= weight;
            if (draw < 0)
            {
                break;
            }
        }

        picks[0] = last;
        note = new RoutingNote("drawn with weight {0:0.####} of {1:0.####}", WeightOf(candidates[last]), total);
        return 1;
    }

    private double WeightOf(in RoutingCandidate candidate) =>
        _tierWeights is null ? candidate.Score : _tierWeights.GetValueOrDefault(candidate.Partner.Tier.Name);
}
