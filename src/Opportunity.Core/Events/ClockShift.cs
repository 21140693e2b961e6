using NodaTime;
using Opportunity.Partners;

namespace Opportunity;

/// <summary>The arithmetic of resuming a paused clock: a due time moves by the pause's working time, in the same calendar.</summary>
internal static class ClockShift
{
    /// <summary>The working time between <paramref name="pausedAt"/> and <paramref name="resumedAt"/> in <paramref name="calendar"/>.</summary>
    public static Duration PausedWorkingTime(IBusinessCalendar calendar, Instant pausedAt, Instant resumedAt) =>
        calendar.WorkingTimeBetween(pausedAt, resumedAt);

    /// <summary>
    /// <paramref name="due"/> moved later by <paramref name="paused"/> of working time: the working time
    /// between the old and the new due time is exactly <paramref name="paused"/>, so the working time
    /// left until it, counted from the resume, is what it was at the pause.
    /// </summary>
    public static Instant? Shift(IBusinessCalendar calendar, Instant? due, Duration paused) =>
        due is { } at && paused > Duration.Zero ? calendar.AddWorkingTime(at, paused) : due;
}
