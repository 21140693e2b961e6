using NodaTime;

namespace Opportunity.Partners;

/// <summary>
/// When a partner works, as SLA clocks see it: whether an instant is working time, how much working
/// time lies between two instants, and when an amount of working time has elapsed.
/// <see cref="BusinessCalendar"/> is the built-in implementation (a zone, weekly hours, holidays and
/// per-date overrides, stored by every store); implement this yourself to take working time from
/// elsewhere, e.g. a shift planner. Implementations must be consistent:
/// <c>WorkingTimeBetween(s, AddWorkingTime(s, d)) == d</c>, and both must be exact to the tick.
/// </summary>
public interface IBusinessCalendar
{
    /// <summary>The time zone the calendar's local hours are in (for display and reports).</summary>
    DateTimeZone Zone { get; }

    /// <summary>True when <paramref name="instant"/> falls inside working time.</summary>
    bool IsWorkingTime(Instant instant);

    /// <summary>The instant at which <paramref name="workingTime"/> of working time has elapsed after <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workingTime"/> is negative.</exception>
    Instant AddWorkingTime(Instant start, Duration workingTime);

    /// <summary>Working time between two instants (zero when <paramref name="end"/> is not after <paramref name="start"/>).</summary>
    Duration WorkingTimeBetween(Instant start, Instant end);
}
