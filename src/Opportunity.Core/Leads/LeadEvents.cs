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
