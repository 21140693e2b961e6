namespace Opportunity;

/// <summary>A lead's or an opportunity's SLA clock was paused: no SLA step, escalation or follow-up fires until it is resumed.</summary>
/// <param name="Reason">Why, e.g. waiting on the customer.</param>
public sealed record ClockPaused(string Reason) : DomainEvent;
