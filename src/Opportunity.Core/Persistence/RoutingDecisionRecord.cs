using NodaTime;
using Opportunity.Routing;

namespace Opportunity.Persistence;

/// <summary>
/// A routing decision as stored plain data: outcome, partners, seed, the compact trace
/// (<see cref="Summary"/>) and the explanation printed from it. Records written before 0.2.0 carry
/// the full printed trace as <see cref="Explanation"/> and no summary.
/// </summary>
/// <param name="Lead">The lead.</param>
/// <param name="At">When.</param>
/// <param name="RuleSet">The rule set's name.</param>
/// <param name="RuleSetVersion">Its version, if any.</param>
/// <param name="Outcome">Assigned, Broadcast or Unroutable.</param>
/// <param name="Partners">The picked partners.</param>
/// <param name="Seed">The seed of the random choices.</param>
/// <param name="UnroutableReason">Why nobody was picked, if so.</param>
/// <param name="Explanation">The trace as text: printed from <see cref="Summary"/> when there is one (see <see cref="FromSummary"/>), else as given (e.g. an old record's full <see cref="RoutingDecision.Format"/>).</param>
public sealed record RoutingDecisionRecord(LeadId Lead, Instant At, string RuleSet, string? RuleSetVersion, RoutingOutcome Outcome, IReadOnlyList<PartnerId> Partners, long Seed, string? UnroutableReason, string Explanation)
{
    /// <summary>The compact, bounded trace (the best candidates, per-rule counts and reasons); null for records that carry only text.</summary>
    public RoutingDecisionSummary? Summary { get; init; }

    /// <summary>
    /// True when <see cref="Explanation"/> is exactly the text printed from <see cref="Summary"/>, so a
    /// store may keep the summary alone and print the text again when reading.
    /// </summary>
    public bool HasDerivedExplanation =>
        Summary is not null && string.Equals(Explanation, RoutingDecisionExplanation.Format(this, Summary), StringComparison.Ordinal);

    /// <summary>The record of a decision: its compact <see cref="RoutingDecisionSummary"/> (the best <see cref="RoutingDecisionSummary.DefaultMaxCandidates"/> candidates) and the explanation printed from it.</summary>
    public static RoutingDecisionRecord From(RoutingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return FromSummary(decision.Lead, decision.At, decision.RuleSet, decision.RuleSetVersion, decision.Outcome, [.. decision.Partners], decision.Seed, decision.UnroutableReason, RoutingDecisionSummary.Of(decision));
    }

    /// <summary>A record from its stored fields and summary, with <see cref="Explanation"/> printed from the summary (what stores call when reading).</summary>
    public static RoutingDecisionRecord FromSummary(LeadId lead, Instant at, string ruleSet, string? ruleSetVersion, RoutingOutcome outcome, IReadOnlyList<PartnerId> partners, long seed, string? unroutableReason, RoutingDecisionSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var record = new RoutingDecisionRecord(lead, at, ruleSet, ruleSetVersion, outcome, partners, seed, unroutableReason, string.Empty) { Summary = summary };
        return record with { Explanation = RoutingDecisionExplanation.Format(record, summary) };
    }
}
