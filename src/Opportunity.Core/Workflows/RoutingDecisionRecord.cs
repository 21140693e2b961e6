using NodaTime;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>A routing decision as stored plain data: outcome, partners, seed, and the printed trace.</summary>
/// <param name="Lead">The lead.</param>
/// <param name="At">When.</param>
/// <param name="RuleSet">The rule set's name.</param>
/// <param name="RuleSetVersion">Its version, if any.</param>
/// <param name="Outcome">Assigned, Broadcast or Unroutable.</param>
/// <param name="Partners">The picked partners.</param>
/// <param name="Seed">The seed of the random choices.</param>
/// <param name="UnroutableReason">Why nobody was picked, if so.</param>
/// <param name="Explanation">The full trace as text (<see cref="RoutingDecision.Format"/>).</param>
public sealed record RoutingDecisionRecord(LeadId Lead, Instant At, string RuleSet, string? RuleSetVersion, RoutingOutcome Outcome, IReadOnlyList<PartnerId> Partners, long Seed, string? UnroutableReason, string Explanation)
{
    /// <summary>The record of a decision.</summary>
    public static RoutingDecisionRecord From(RoutingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new RoutingDecisionRecord(decision.Lead, decision.At, decision.RuleSet, decision.RuleSetVersion, decision.Outcome, [.. decision.Partners], decision.Seed, decision.UnroutableReason, decision.Format());
    }
}
