using Opportunity.Leads;
using Opportunity.Routing.Json;

namespace Opportunity.Routing;

/// <summary>
/// An ordered list of rule sets, each with a <see cref="LeadCondition"/>: the first whose condition
/// the lead meets routes it; the last has no condition and routes every other lead (docs/routing.md,
/// "Rule sets chosen by the lead"). Set it as <c>LeadDistributionOptions.RuleSets</c> or in the rules
/// file (<c>{ "ruleSets": [ … ] }</c>).
/// </summary>
public sealed class RoutingRuleSets
{
    private readonly (LeadCondition? When, RoutingRuleSet RuleSet)[] _entries;

    /// <summary>Creates the list: the conditional rule sets in order, then the one for every other lead.</summary>
    /// <exception cref="ArgumentException">Two rule sets share a name.</exception>
    public RoutingRuleSets(IEnumerable<(LeadCondition When, RoutingRuleSet RuleSet)> conditional, RoutingRuleSet otherwise)
    {
        ArgumentNullException.ThrowIfNull(conditional);
        ArgumentNullException.ThrowIfNull(otherwise);
        _entries = [.. conditional.Select(e => ((LeadCondition?)(e.When ?? throw new ArgumentNullException(nameof(conditional))), e.RuleSet ?? throw new ArgumentNullException(nameof(conditional)))), (null, otherwise)];
        if (_entries.GroupBy(e => e.RuleSet.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Rule set name '{twice.Key}' occurs twice; names tell the decisions apart in the log.", nameof(conditional));
        }
    }

    /// <summary>The rule sets in order with their conditions; the last one's condition is null (every lead).</summary>
    public IReadOnlyList<(LeadCondition? When, RoutingRuleSet RuleSet)> Entries => _entries;

    /// <summary>The rule set for every lead no condition matches.</summary>
    public RoutingRuleSet Otherwise => _entries[^1].RuleSet;

    /// <summary>One rule set for every lead.</summary>
    public static RoutingRuleSets Single(RoutingRuleSet ruleSet) => new([], ruleSet);

    /// <summary>The first rule set whose condition <paramref name="lead"/> meets.</summary>
    public RoutingRuleSet For(LeadDetails lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        foreach (var (when, ruleSet) in _entries)
        {
            if (when is null || when.Matches(lead))
            {
                return ruleSet;
            }
        }

        return Otherwise;
    }

    /// <summary>
    /// Reads a rules document: a single rule set object (routes every lead), or
    /// <c>{ "ruleSets": [ { "name": …, "when": { "sources", "productLines", "countries", "minValue", "maxValue" }, "filters": … }, …, { "name": … } ] }</c>
    /// where only the last rule set has no <c>when</c>. Errors name the JSON path.
    /// </summary>
    public static ValidationResult<RoutingRuleSets> FromJson(string json, RoutingRuleCatalog? catalog = null) =>
        RoutingRuleSetsJson.Parse(json, catalog ?? RoutingRuleCatalog.Default);
}
