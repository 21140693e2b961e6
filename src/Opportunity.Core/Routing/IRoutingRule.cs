namespace Opportunity.Routing;

/// <summary>
/// A step of a <see cref="RoutingRuleSet"/>. Implement <see cref="IRoutingFilter"/>,
/// <see cref="IRoutingScorer"/> or <see cref="IRoutingSelector"/> for rules of your own; they get the
/// same trace entries as the built-in ones.
/// </summary>
public interface IRoutingRule
{
    /// <summary>A short stable name of the rule kind, e.g. <c>capacity</c>; the key in JSON rule sets and traces.</summary>
    string Kind { get; }

    /// <summary>A one-line description with the rule's parameters, e.g. <c>geoRadius 25/50/100 km</c>, shown in traces.</summary>
    string Description { get; }
}
