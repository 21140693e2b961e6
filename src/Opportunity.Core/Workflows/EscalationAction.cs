namespace Opportunity.Workflows;

/// <summary>What an escalation step does when the partner has not reacted to a lead.</summary>
public enum EscalationAction
{
    /// <summary>Remind the partner (raises <c>AcceptanceReminderDue</c>).</summary>
    RemindPartner = 0,

    /// <summary>Tell the partner's channel manager (raises <c>LeadEscalated</c>).</summary>
    NotifyChannelManager = 1,

    /// <summary>Take the lead back and route it again without the partner (raises <c>LeadRecalled</c>); always the last step.</summary>
    Recall = 2,

    /// <summary>
    /// Tell the distributor above the partner (two-tier distribution, docs/channel.md; raises
    /// <c>LeadEscalatedToDistributor</c>), before the manufacturer's channel manager hears of it; for a
    /// partner without a parent it tells the channel manager instead (<c>LeadEscalated</c>).
    /// </summary>
    NotifyDistributor = 3,
}
