using NodaTime;
using Opportunity.Partners;
using Opportunity.Routing.Rules;

namespace Opportunity.Routing;

/// <summary>
/// Builds a <see cref="RoutingRuleSet"/> in code. Filters and scorers run in the order added; the
/// selector defaults to <see cref="HighestScoreSelector"/>.
/// <code>
/// var rules = RoutingRuleSet.Create("dach")
///     .InTerritory().SellingProductLine().WithinCapacity()
///     .ScoreByLoad().ScoreByPerformance(weight: 2)
///     .PickHighestScore()
///     .Build();
/// </code>
/// </summary>
public sealed class RoutingRuleSetBuilder
{
    private readonly string _name;
    private readonly List<IRoutingFilter> _filters = [];
    private readonly List<WeightedScorer> _scorers = [];
    private IRoutingSelector _selector = new HighestScoreSelector();
    private string? _version;
    private PartnerId? _fallback;

    internal RoutingRuleSetBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
    }

    /// <summary>Sets a version label recorded in every decision.</summary>
    public RoutingRuleSetBuilder Version(string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        _version = version.Trim();
        return this;
    }

    /// <summary>Adds a filter (built-in or your own).</summary>
    public RoutingRuleSetBuilder Filter(IRoutingFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        _filters.Add(filter);
        return this;
    }

    /// <summary>Adds a scorer with a weight (built-in or your own).</summary>
    public RoutingRuleSetBuilder Score(IRoutingScorer scorer, double weight = 1)
    {
        _scorers.Add(new WeightedScorer(scorer, weight));
        return this;
    }

    /// <summary>Sets the selector (built-in or your own).</summary>
    public RoutingRuleSetBuilder Select(IRoutingSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _selector = selector;
        return this;
    }

    /// <summary>Sends leads nobody qualifies for to this partner instead of the manufacturer's queue.</summary>
    public RoutingRuleSetBuilder FallbackTo(PartnerId partner)
    {
        _fallback = partner;
        return this;
    }

    /// <summary>Adds <see cref="TerritoryRule"/>: the partner's territories cover the lead's country and postal code.</summary>
    public RoutingRuleSetBuilder InTerritory() => Filter(new TerritoryRule());

    /// <summary>Adds <see cref="GeoRadiusRule"/>: within a radius of the lead, widening through the given steps (km).</summary>
    public RoutingRuleSetBuilder WithinRadius(params double[] radiiKm) => Filter(new GeoRadiusRule(radiiKm));

    /// <summary>Adds <see cref="ProductLineRule"/>: the partner sells the lead's product interest.</summary>
    public RoutingRuleSetBuilder SellingProductLine() => Filter(new ProductLineRule());

    /// <summary>Adds <see cref="CertificationRule"/> with certifications every partner needs.</summary>
    public RoutingRuleSetBuilder WithCertifications(params string[] required) => Filter(new CertificationRule(required));

    /// <summary>Adds <see cref="LanguageRule"/>: the partner speaks the lead's language.</summary>
    public RoutingRuleSetBuilder SpeakingLanguage() => Filter(new LanguageRule());

    /// <summary>Adds <see cref="MinimumTierRule"/>: the partner's tier is at least <paramref name="tier"/>.</summary>
    public RoutingRuleSetBuilder MinimumTier(PartnerTier tier) => Filter(new MinimumTierRule(tier));

    /// <summary>Adds <see cref="ActiveRule"/> at this position (it is added first anyway when missing).</summary>
    public RoutingRuleSetBuilder ActiveOnly() => Filter(new ActiveRule());

    /// <summary>Adds <see cref="CapacityRule"/>: partners at their maximum of open leads are skipped.</summary>
    public RoutingRuleSetBuilder WithinCapacity() => Filter(new CapacityRule());

    /// <summary>Adds <see cref="ExcludePreviousRule"/> at this position (it is added first anyway when missing).</summary>
    public RoutingRuleSetBuilder ExcludingPrevious() => Filter(new ExcludePreviousRule());

    /// <summary>Adds <see cref="LoadBalancingScorer"/>: most free capacity scores highest.</summary>
    public RoutingRuleSetBuilder ScoreByLoad(double weight = 1) => Score(new LoadBalancingScorer(), weight);

    /// <summary>Adds <see cref="PerformanceScorer"/> with default sub-weights, a 4-hour target and a prior of 10 leads.</summary>
    public RoutingRuleSetBuilder ScoreByPerformance(double weight = 1, Duration? targetTimeToAccept = null) =>
        Score(new PerformanceScorer(targetTimeToAccept: targetTimeToAccept), weight);

    /// <summary>Adds <see cref="TierScorer"/>.</summary>
    public RoutingRuleSetBuilder ScoreByTier(double weight = 1, IReadOnlyDictionary<string, double>? tierWeights = null) => Score(new TierScorer(tierWeights), weight);

    /// <summary>Adds <see cref="ProximityScorer"/>.</summary>
    public RoutingRuleSetBuilder ScoreByProximity(double weight = 1, double halfScoreKm = 50) => Score(new ProximityScorer(halfScoreKm), weight);

    /// <summary>Selects the highest score (the default).</summary>
    public RoutingRuleSetBuilder PickHighestScore() => Select(new HighestScoreSelector());

    /// <summary>Selects round robin: the partner that waited longest.</summary>
    public RoutingRuleSetBuilder PickRoundRobin() => Select(new RoundRobinSelector());

    /// <summary>Selects at random, weighted by total score (seeded).</summary>
    public RoutingRuleSetBuilder PickWeightedRandomByScore() => Select(WeightedRandomSelector.ByScore());

    /// <summary>Selects at random, weighted by tier (seeded).</summary>
    public RoutingRuleSetBuilder PickWeightedRandomByTier(IReadOnlyDictionary<string, double>? tierWeights = null) => Select(WeightedRandomSelector.ByTier(tierWeights));

    /// <summary>Broadcasts to the top <paramref name="count"/> candidates; the first to accept wins.</summary>
    public RoutingRuleSetBuilder Broadcast(int count) => Select(new BroadcastSelector(count));

    /// <summary>Builds the immutable rule set.</summary>
    public RoutingRuleSet Build() => new(_name, _version, _filters, _scorers, _selector, _fallback);
}
