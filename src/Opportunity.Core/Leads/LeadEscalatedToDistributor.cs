using NodaTime;

namespace Opportunity.Leads;

/// <summary>An escalation step tells the distributor that one of its resellers has not reacted to a lead (two-tier distribution).</summary>
/// <param name="Partner">The distributor told (the notification goes to it).</param>
/// <param name="Reseller">The reseller that has not reacted.</param>
/// <param name="Step">The ladder step (0-based).</param>
/// <param name="AcceptanceDeadline">When the lead will be recalled from the reseller.</param>
public sealed record LeadEscalatedToDistributor(PartnerId Partner, PartnerId Reseller, int Step, Instant AcceptanceDeadline) : DomainEvent;
