using NodaTime;

namespace Opportunity.Leads;

/// <summary>A distributor routed the lead on to one of its resellers, which now has to accept it.</summary>
/// <param name="Partner">The reseller the lead now waits for.</param>
/// <param name="Distributor">The distributor that routed it on.</param>
/// <param name="AcceptanceDeadline">By when the reseller must accept.</param>
public sealed record LeadRoutedOn(PartnerId Partner, PartnerId Distributor, Instant AcceptanceDeadline) : DomainEvent;
