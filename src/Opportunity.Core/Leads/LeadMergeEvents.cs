namespace Opportunity.Leads;

/// <summary>The lead was merged into <paramref name="Into"/> as its duplicate; it is now <see cref="LeadState.Merged"/> (terminal).</summary>
/// <param name="Into">The lead it was merged into, which keeps the customer.</param>
/// <param name="FromState">The state it left.</param>
/// <param name="Reason">Why the two are one customer.</param>
public sealed record LeadMerged(LeadId Into, LeadState FromState, string Reason) : DomainEvent;

/// <summary>The duplicate lead <paramref name="Duplicate"/> was merged into this lead; its history stays under its own id.</summary>
/// <param name="Duplicate">The merged lead.</param>
/// <param name="Reason">Why the two are one customer.</param>
public sealed record LeadDuplicateMerged(LeadId Duplicate, string Reason) : DomainEvent;
