using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>A partner that survived every filter, with its total weighted score.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="Score">Σ weight × score over the rule set's scorers; 0 without scorers.</param>
public readonly record struct RoutingCandidate(Partner Partner, double Score);
