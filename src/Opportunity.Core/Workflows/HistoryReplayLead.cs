using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>One past lead in a <see cref="HistoryReplayReport"/>: its first decision as it happened and as the draft makes it.</summary>
/// <param name="Lead">The lead.</param>
/// <param name="OldRuleSet">The rule set that routed it.</param>
/// <param name="OldOutcome">What happened.</param>
/// <param name="OldPartner">The partner it went to (the first offered of a broadcast); null when unroutable.</param>
/// <param name="DraftRuleSet">The draft rule set the lead's conditions chose.</param>
/// <param name="DraftOutcome">What the draft decides.</param>
/// <param name="DraftPartner">The partner the draft picks; null when unroutable.</param>
public sealed record HistoryReplayLead(LeadId Lead, string OldRuleSet, RoutingOutcome OldOutcome, PartnerId? OldPartner, string DraftRuleSet, RoutingOutcome DraftOutcome, PartnerId? DraftPartner)
{
    /// <summary>True when the draft sends the lead elsewhere (another partner, or routable where it was not, or the reverse).</summary>
    public bool Changed => OldPartner != DraftPartner || OldOutcome != DraftOutcome;
}
