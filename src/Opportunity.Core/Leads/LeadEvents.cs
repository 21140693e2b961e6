using NodaTime;

namespace Opportunity.Leads;

/// <summary>A lead was captured.</summary>
/// <param name="Source">Where it came from.</param>
public sealed record LeadCaptured(string Source) : DomainEvent;

/// <summary>A lead was qualified (need, budget, authority, timing).</summary>
public sealed record LeadQualified : DomainEvent;

/// <summary>A lead was assigned to a partner, with the instant by which it must accept.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="AcceptanceDeadline">The acceptance SLA deadline.</param>
public sealed record LeadAssigned(PartnerId Partner, Instant AcceptanceDeadline) : DomainEvent;

/// <summary>The partner accepted the lead.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="AssignedAt">When it had been assigned, so time to accept can be computed from the event alone.</param>
public sealed record LeadAccepted(PartnerId Partner, Instant AssignedAt) : DomainEvent;

/// <summary>The partner rejected the lead.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="Reason">The partner's reason.</param>
public sealed record LeadRejected(PartnerId Partner, string Reason) : DomainEvent;

/// <summary>The acceptance SLA ran out and the lead was taken back from the partner.</summary>
/// <param name="Partner">The partner that did not react.</param>
public sealed record LeadRecalled(PartnerId Partner) : DomainEvent;

/// <summary>No partner matched; the lead went to the manufacturer's queue.</summary>
/// <param name="Reason">Why routing found nobody.</param>
public sealed record LeadUnroutable(string Reason) : DomainEvent;

/// <summary>The lead was disqualified.</summary>
/// <param name="Reason">Why.</param>
public sealed record LeadDisqualified(string Reason) : DomainEvent;

/// <summary>The lead became a sales opportunity.</summary>
/// <param name="Partner">The partner working it.</param>
/// <param name="Opportunity">The new opportunity.</param>
public sealed record LeadConverted(PartnerId Partner, OpportunityId Opportunity) : DomainEvent;

/// <summary>A lead was broadcast to several partners at once; the first to accept wins.</summary>
/// <param name="Partners">The partners offered the lead, best ranked first.</param>
/// <param name="AcceptanceDeadline">By when one of them must accept.</param>
public sealed record LeadOffered(IReadOnlyList<PartnerId> Partners, Instant AcceptanceDeadline) : DomainEvent;

/// <summary>A partner accepted a broadcast lead; the offers to the others are withdrawn.</summary>
/// <param name="Partners">The partners whose offers were withdrawn.</param>
/// <param name="AcceptedBy">The partner that won the lead.</param>
public sealed record LeadOffersWithdrawn(IReadOnlyList<PartnerId> Partners, PartnerId AcceptedBy) : DomainEvent;

/// <summary>An escalation step asks the partner to accept or reject a lead it has not reacted to.</summary>
/// <param name="Partner">The partner reminded.</param>
/// <param name="Step">The ladder step (0-based).</param>
/// <param name="AcceptanceDeadline">When the lead will be recalled.</param>
public sealed record AcceptanceReminderDue(PartnerId Partner, int Step, Instant AcceptanceDeadline) : DomainEvent;

/// <summary>An escalation step tells the partner's channel manager that the partner has not reacted.</summary>
/// <param name="Partner">The partner that has not reacted.</param>
/// <param name="Step">The ladder step (0-based).</param>
/// <param name="ChannelManager">The channel manager to notify, when known.</param>
/// <param name="AcceptanceDeadline">When the lead will be recalled.</param>
public sealed record LeadEscalated(PartnerId Partner, int Step, string? ChannelManager, Instant AcceptanceDeadline) : DomainEvent;

/// <summary>The partner working an accepted lead reported activity (resets follow-up timers). Raised up to 0.2.0 and still read from stored outboxes; notes now raise <see cref="SalesActivityRecorded"/>.</summary>
/// <param name="Note">What happened.</param>
public sealed record LeadActivityRecorded(string Note) : DomainEvent;

/// <summary>At capture, the lead was found to duplicate an open lead or opportunity.</summary>
/// <param name="ExistingLead">The earlier lead; null when the match is a deal opened without a lead.</param>
/// <param name="ExistingOpportunity">The open opportunity, when the match is one.</param>
/// <param name="WorkingPartner">The partner already working it, if any.</param>
/// <param name="MatchedOn">Which keys matched.</param>
public sealed record LeadDuplicateDetected(LeadId? ExistingLead, OpportunityId? ExistingOpportunity, PartnerId? WorkingPartner, string MatchedOn) : DomainEvent;

/// <summary>A partner registered a deal of its own; it waits for the manufacturer's approval.</summary>
/// <param name="Partner">The registering partner.</param>
public sealed record DealRegistered(PartnerId Partner) : DomainEvent
{
    /// <summary>By when the manufacturer should decide (the approval deadline); null for a registration without terms.</summary>
    public Instant? ApprovalDueAt { get; init; }
}

/// <summary>The manufacturer approved a partner's deal registration; the partner owns the lead.</summary>
/// <param name="Partner">The registering partner.</param>
public sealed record DealRegistrationApproved(PartnerId Partner) : DomainEvent
{
    /// <summary>When the registration's protection ends unless converted or extended; null for a registration without terms.</summary>
    public Instant? ProtectedUntil { get; init; }
}

/// <summary>The manufacturer rejected a partner's deal registration.</summary>
/// <param name="Partner">The registering partner.</param>
/// <param name="Reason">Why, e.g. a channel conflict with another partner's deal.</param>
public sealed record DealRegistrationRejected(PartnerId Partner, string Reason) : DomainEvent;
