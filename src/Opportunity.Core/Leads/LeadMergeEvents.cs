namespace Opportunity.Leads;

/// <summary>The lead was merged into <paramref name="Into"/> as its duplicate; it is now <see cref="LeadState.Merged"/> (terminal).</summary>
/// <param name="Into">The lead it was merged into, which keeps the customer.</param>
/// <param name="FromState">The state it left.</param>
/// <param name="Reason">Why the two are one customer.</param>
public sealed record LeadMerged(LeadId Into, LeadState FromState, string Reason) : DomainEvent;

/// <summary>The duplicate lead <paramref name="Duplicate"/> was merged into this lead; its history stays under its own id.</summary>
/// <param name="Duplicate">The merged lead.</param>
/// <param name="Reason">Why the two are one customer.</param>
/// <param name="FilledFields">
/// The detail fields this lead took from the duplicate because its own were blank
/// (<see cref="LeadDetails.FillBlanksFrom"/>), by path in <see cref="LeadDetails"/>
/// (<c>Company</c>, <c>Contact.Email</c>, <c>Location</c> when taken whole, <c>Location.City</c>, …), in
/// that order; empty when nothing was filled. Names only: the values are personal data, which events do not carry.
/// </param>
public sealed record LeadDuplicateMerged(LeadId Duplicate, string Reason, IReadOnlyList<string> FilledFields) : DomainEvent
{
    /// <summary>The filled fields; never null (events written before 0.2.0 have none listed).</summary>
    public IReadOnlyList<string> FilledFields { get; init; } = FilledFields ?? [];
}
