using NodaTime;
using Opportunity.Partners;
using Opportunity.Routing.Rules;

namespace Opportunity.Routing.Json;

/// <summary>
/// The rule kinds a JSON rule set may name, with the factory that builds each from its
/// <see cref="RuleParameters"/>. A new catalog knows every built-in kind; add your own rules with
/// <see cref="AddFilter"/>, <see cref="AddScorer"/> and <see cref="AddSelector"/>.
/// <see cref="Default"/> is the read-only catalog of built-ins.
/// </summary>
public sealed class RoutingRuleCatalog
{
    private readonly Dictionary<string, Func<RuleParameters, IRoutingFilter?>> _filters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<RuleParameters, IRoutingScorer?>> _scorers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<RuleParameters, IRoutingSelector?>> _selectors = new(StringComparer.Ordinal);
    private bool _readOnly;

    /// <summary>Creates a catalog with every built-in rule kind.</summary>
    public RoutingRuleCatalog()
    {
        AddFilter(TerritoryRule.KindName, _ => new TerritoryRule());
        AddFilter(GeoRadiusRule.KindName, p =>
        {
            var radii = p.GetNumbers("radiiKm", 0.001, 20_038, required: true);
            var whenNoPoint = p.GetString("whenLeadHasNoPoint");
            if (whenNoPoint is not (null or "skip" or "exclude"))
            {
                p.AddError("whenLeadHasNoPoint", "must be 'skip' or 'exclude'.");
            }

            return p.HasErrors || radii is null ? null : new GeoRadiusRule(radii, whenNoPoint != "exclude");
        });
        AddFilter(ProductLineRule.KindName, _ => new ProductLineRule());
        AddFilter(LanguageRule.KindName, _ => new LanguageRule());
        AddFilter(ActiveRule.KindName, _ => new ActiveRule());
        AddFilter(CapacityRule.KindName, _ => new CapacityRule());
        AddFilter(ExcludePreviousRule.KindName, _ => new ExcludePreviousRule());
        AddFilter(CertificationRule.KindName, p =>
        {
            var required = p.GetStrings("required");
            var byLine = p.GetStringListMap("byProductLine");
            if (!p.HasErrors && (required?.Count ?? 0) == 0 && (byLine?.Count ?? 0) == 0)
            {
                p.AddError(null, "needs 'required' or 'byProductLine'.");
            }

            return p.HasErrors ? null : new CertificationRule(required, byLine);
        });
        AddFilter(MinimumTierRule.KindName, p =>
        {
            var tier = p.GetString("tier");
            var level = p.GetInteger("level", 0, 1000);
            if (p.HasErrors)
            {
                return null;
            }

            if ((tier is null) == (level is null))
            {
                p.AddError(null, "needs exactly one of 'tier' (Registered, Silver, Gold, Platinum) or 'level'.");
                return null;
            }

            if (tier is not null)
            {
                var known = new[] { PartnerTier.Registered, PartnerTier.Silver, PartnerTier.Gold, PartnerTier.Platinum }
                    .Where(t => string.Equals(t.Name, tier, StringComparison.OrdinalIgnoreCase)).ToList();
                if (known.Count == 0)
                {
                    p.AddError("tier", $"'{tier}' is not a predefined tier (Registered, Silver, Gold, Platinum); use 'level' for tiers of your own.");
                    return null;
                }

                return new MinimumTierRule(known[0]);
            }

            return new MinimumTierRule(level!.Value);
        });

        AddScorer(LoadBalancingScorer.KindName, _ => new LoadBalancingScorer());
        AddScorer(ProximityScorer.KindName, p => p.GetNumber("halfScoreKm", 0.001, 20_038) is var h && p.HasErrors ? null : new ProximityScorer(h ?? 50));
        AddScorer(TierScorer.KindName, p =>
        {
            var weights = p.GetNumberMap("weights", 0, 1_000_000);
            if (weights is not null && !p.HasErrors && !weights.Values.Any(w => w > 0))
            {
                p.AddError("weights", "needs at least one positive weight.");
            }

            return p.HasErrors ? null : new TierScorer(weights);
        });
        AddScorer(PerformanceScorer.KindName, p =>
        {
            var acceptance = p.GetNumber("acceptanceWeight", 0, 1000) ?? 1;
            var speed = p.GetNumber("speedWeight", 0, 1000) ?? 1;
            var conversion = p.GetNumber("conversionWeight", 0, 1000) ?? 1;
            var target = p.GetNumber("targetHoursToAccept", 0.001, 10_000) ?? 4;
            var prior = p.GetNumber("priorStrength", 0, 1_000_000) ?? 10;
            if (!p.HasErrors && acceptance + speed + conversion <= 0)
            {
                p.AddError(null, "needs at least one positive weight among acceptanceWeight, speedWeight, conversionWeight.");
            }

            return p.HasErrors ? null : new PerformanceScorer(acceptance, speed, conversion, Duration.FromSeconds(target * 3600), prior);
        });

        AddSelector(HighestScoreSelector.KindName, _ => new HighestScoreSelector());
        AddSelector(RoundRobinSelector.KindName, _ => new RoundRobinSelector());
        AddSelector(BroadcastSelector.KindName, p => p.GetInteger("count", 1, RoutingRuleSet.MaxPicks, required: true) is { } n ? new BroadcastSelector(n) : null);
        AddSelector(WeightedRandomSelector.KindName, p =>
        {
            var by = p.GetString("by") ?? "score";
            var weights = p.GetNumberMap("tierWeights", 0, 1_000_000);
            if (by is not ("score" or "tier"))
            {
                p.AddError("by", "must be 'score' or 'tier'.");
            }
            else if (by == "score" && weights is not null)
            {
                p.AddError("tierWeights", "only applies with \"by\": \"tier\".");
            }

            return p.HasErrors ? null : by == "tier" ? WeightedRandomSelector.ByTier(weights) : WeightedRandomSelector.ByScore();
        });
    }

    /// <summary>The read-only catalog of built-in rule kinds.</summary>
    public static RoutingRuleCatalog Default { get; } = new RoutingRuleCatalog().AsReadOnly();

    /// <summary>Filter kinds known.</summary>
    public IReadOnlyCollection<string> FilterKinds => _filters.Keys;

    /// <summary>Scorer kinds known.</summary>
    public IReadOnlyCollection<string> ScorerKinds => _scorers.Keys;

    /// <summary>Selector kinds known.</summary>
    public IReadOnlyCollection<string> SelectorKinds => _selectors.Keys;

    /// <summary>Adds a filter kind. The factory reads its parameters and returns null after recording errors.</summary>
    /// <exception cref="InvalidOperationException">The kind exists already, or this is <see cref="Default"/>.</exception>
    public RoutingRuleCatalog AddFilter(string kind, Func<RuleParameters, IRoutingFilter?> factory) => Add(_filters, kind, factory);

    /// <summary>Adds a scorer kind (its <c>weight</c> is handled by the loader).</summary>
    /// <exception cref="InvalidOperationException">The kind exists already, or this is <see cref="Default"/>.</exception>
    public RoutingRuleCatalog AddScorer(string kind, Func<RuleParameters, IRoutingScorer?> factory) => Add(_scorers, kind, factory);

    /// <summary>Adds a selector kind.</summary>
    /// <exception cref="InvalidOperationException">The kind exists already, or this is <see cref="Default"/>.</exception>
    public RoutingRuleCatalog AddSelector(string kind, Func<RuleParameters, IRoutingSelector?> factory) => Add(_selectors, kind, factory);

    internal Func<RuleParameters, IRoutingFilter?>? FilterFactory(string kind) => _filters.GetValueOrDefault(kind);

    internal Func<RuleParameters, IRoutingScorer?>? ScorerFactory(string kind) => _scorers.GetValueOrDefault(kind);

    internal Func<RuleParameters, IRoutingSelector?>? SelectorFactory(string kind) => _selectors.GetValueOrDefault(kind);

    private RoutingRuleCatalog AsReadOnly()
    {
        _readOnly = true;
        return this;
    }

    private RoutingRuleCatalog Add<T>(Dictionary<string, Func<RuleParameters, T?>> table, string kind, Func<RuleParameters, T?> factory)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(factory);
        if (_readOnly)
        {
            throw new InvalidOperationException("RoutingRuleCatalog.Default is read-only; create a new RoutingRuleCatalog to add rule kinds.");
        }

        if (_filters.ContainsKey(kind) || _scorers.ContainsKey(kind) || _selectors.ContainsKey(kind))
        {
            throw new InvalidOperationException($"Rule kind '{kind}' is already in the catalog.");
        }

        table[kind] = factory;
        return this;
    }
}
