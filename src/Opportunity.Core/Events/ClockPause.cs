using NodaTime;

namespace Opportunity;

/// <summary>
/// A paused SLA clock of a lead or an opportunity (e.g. waiting on the customer): since when, why,
/// and the due time the record had, held back while paused, so that no SLA step, escalation or
/// follow-up fires. Resuming shifts every pending due time by the paused working time.
/// </summary>
/// <param name="PausedAt">When the clock was paused.</param>
/// <param name="Reason">Why (free text).</param>
public sealed record ClockPause(Instant PausedAt, string Reason)
{
    /// <summary>When time-based work would be due, held back while paused; null when none.</summary>
    public Instant? HeldDueAt { get; init; }
}
