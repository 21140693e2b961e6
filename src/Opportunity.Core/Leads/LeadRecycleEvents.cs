using NodaTime;

namespace Opportunity.Leads;

/// <summary>A lead was recycled into nurture; after the cooldown it goes back into distribution.</summary>
/// <param name="From">The state it left.</param>
/// <param name="Reason">Why it was recycled.</param>
/// <param name="Recycles">How many times the lead has now been recycled.</param>
/// <param name="ReturnsAt">When it is routed again (the end of the cooldown, in business time).</param>
public sealed record LeadRecycled(LeadState From, string Reason, int Recycles, Instant ReturnsAt) : DomainEvent;

/// <summary>A new lead was made from a lost deal; it rests in nurture and goes into distribution after the cooldown.</summary>
/// <param name="LostDeal">The lost opportunity it was recycled from.</param>
/// <param name="Reason">Why the deal was recycled.</param>
/// <param name="ReturnsAt">When it is routed (the end of the cooldown, in business time).</param>
public sealed record LeadRecycledFromDeal(OpportunityId LostDeal, string Reason, Instant ReturnsAt) : DomainEvent;
