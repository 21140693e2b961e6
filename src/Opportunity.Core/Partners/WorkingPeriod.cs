using NodaTime;

namespace Opportunity.Partners;

/// <summary>
/// A span of working time that starts on one local day, e.g. 09:00–17:00. The end is exclusive. An
/// end at or before the start runs past midnight into the next day: 22:00–06:00 is a night shift,
/// 08:00–00:00 ends at 24:00, and 00:00–00:00 is the whole day.
/// </summary>
public readonly record struct WorkingPeriod
{
    /// <summary>Creates a period; an <paramref name="end"/> at or before <paramref name="start"/> ends on the next day.</summary>
    public WorkingPeriod(LocalTime start, LocalTime end)
    {
        Start = start;
        End = end;
    }

    /// <summary>Local start time.</summary>
    public LocalTime Start { get; }

    /// <summary>Local end time (exclusive); on the next day when <see cref="CrossesMidnight"/>.</summary>
    public LocalTime End { get; }

    /// <summary>True when the period ends on the next local day (its end is at or before its start, e.g. 22:00–06:00 or 08:00–24:00).</summary>
    public bool CrossesMidnight => End <= Start;

    /// <summary>The period's nominal length on a day without a clock change (24 hours for 00:00–00:00).</summary>
    public Duration Length => Duration.FromTicks(EndOffsetTicks - Start.TickOfDay);

    /// <summary>The end as ticks after the start day's midnight (past one day when it crosses midnight).</summary>
    internal long EndOffsetTicks => End.TickOfDay + (CrossesMidnight ? NodaConstants.TicksPerDay : 0);

    /// <summary>The period as configuration writes it, e.g. <c>09:00-17:00</c>, <c>22:00-06:00</c>, <c>08:00-24:00</c>.</summary>
    internal string ToText() =>
        $"{Start:HH':'mm}-{(End == LocalTime.Midnight ? "24:00" : End.ToString("HH':'mm", System.Globalization.CultureInfo.InvariantCulture))}";
}
