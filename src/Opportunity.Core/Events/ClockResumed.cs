using NodaTime;

namespace Opportunity;

/// <summary>A paused SLA clock runs again; every pending due time moved by <see cref="PausedWorkingTime"/> of working time.</summary>
/// <param name="PausedAt">When the clock had been paused.</param>
/// <param name="PausedWorkingTime">The working time of the pause in the holder's business calendar, by which the due times moved.</param>
public sealed record ClockResumed(Instant PausedAt, Duration PausedWorkingTime) : DomainEvent;
