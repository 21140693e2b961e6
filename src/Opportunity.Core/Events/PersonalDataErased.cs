namespace Opportunity;

/// <summary>
/// A lead's or an opportunity's contact data was erased (anonymised). The audit record of an erasure:
/// who (<see cref="DomainEvent.Actor"/>), when (<see cref="DomainEvent.OccurredAt"/>) and which record
/// (<see cref="DomainEvent.AggregateId"/>); it carries no personal data itself.
/// </summary>
/// <param name="Reason">Why: <c>request</c> (the customer asked, <c>EraseCustomerAsync</c>) or <c>retention</c> (the retention sweep).</param>
public sealed record PersonalDataErased(string Reason) : DomainEvent;
