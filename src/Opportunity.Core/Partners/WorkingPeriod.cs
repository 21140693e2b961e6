using NodaTime;

namespace Opportunity.Partners;

/// <summary>A span of working time within one local day, e.g. 09:00–17:00. The end is exclusive.</summary>
public readonly record struct WorkingPeriod
{
    /// <summary>Creates a period; <paramref name="start"/> must be before <paramref name="end"/>.</summary>
    /// <exception cref="ArgumentException">The start is not before the end.</exception>
    public WorkingPeriod(LocalTime start, LocalTime end)
    {
        if (start >= end)
        {
            throw new ArgumentException($"Working period start {start} must be before its end {end}.", nameof(start));
        }

        Start = start;
        End = end;
    }

    /// <summary>Local start time.</summary>
    public LocalTime Start { get; }

    /// <summary>Local end time (exclusive).</summary>
    public LocalTime End { get; }
}
