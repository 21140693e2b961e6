using NodaTime;

namespace Opportunity.Partners;

/// <summary>
/// When a partner works: a time zone, working periods per weekday, and holidays. SLA deadlines and
/// "time to accept in business time" are computed here, in the partner's own local time, so a
/// four-working-hour reminder for a partner in Sydney is four of Sydney's working hours, DST
/// included (a local working day that is 23 or 25 hours long still has its local 9–17).
/// </summary>
public sealed class BusinessCalendar
{
    // A calendar with no working time would make AddWorkingTime loop forever; cap the search.
    private const int MaxDaysSearched = 3 * 366;

    private readonly WorkingPeriod[][] _periodsByDay; // index: IsoDayOfWeek 1..7
    private readonly HashSet<LocalDate> _holidays;

    /// <summary>Creates a calendar.</summary>
    /// <param name="zone">The partner's time zone.</param>
    /// <param name="weeklyHours">Working periods per weekday; days not present are not worked.</param>
    /// <param name="holidays">Local dates on which nobody works.</param>
    /// <exception cref="ArgumentException">Periods of one day overlap, or no day has working time.</exception>
    public BusinessCalendar(DateTimeZone zone, IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>> weeklyHours, IEnumerable<LocalDate>? holidays = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(weeklyHours);
        Zone = zone;
        _periodsByDay = new WorkingPeriod[8][];
        for (var d = 0; d < 8; d++)
        {
            _periodsByDay[d] = [];
        }

        foreach (var (day, periods) in weeklyHours)
        {
            if (day == IsoDayOfWeek.None)
            {
                throw new ArgumentException("IsoDayOfWeek.None is not a weekday.", nameof(weeklyHours));
            }

            var sorted = periods.OrderBy(p => p.Start).ToArray();
            for (var i = 1; i < sorted.Length; i++)
            {
                if (sorted[i].Start < sorted[i - 1].End)
                {
                    throw new ArgumentException($"Working periods on {day} overlap ({sorted[i - 1].Start}–{sorted[i - 1].End} and {sorted[i].Start}–{sorted[i].End}).", nameof(weeklyHours));
                }
            }

            _periodsByDay[(int)day] = sorted;
        }

        if (_periodsByDay.All(p => p.Length == 0))
        {
            throw new ArgumentException("A business calendar needs working time on at least one weekday.", nameof(weeklyHours));
        }

        _holidays = [.. holidays ?? []];
    }

    /// <summary>The calendar's time zone.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>Holidays (local dates without working time).</summary>
    public IReadOnlyCollection<LocalDate> Holidays => _holidays;

    /// <summary>
    /// The working periods of each worked weekday, in order (days without working time are absent):
    /// the calendar's whole week as data, so it serializes and can be copied into a new calendar.
    /// </summary>
    public IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>> WeeklyHours =>
        Enumerable.Range(1, 7)
            .Where(d => _periodsByDay[d].Length > 0)
            .ToDictionary(d => (IsoDayOfWeek)d, d => (IReadOnlyList<WorkingPeriod>)_periodsByDay[d]);

    /// <summary>Working periods of a weekday, in order.</summary>
    public IReadOnlyList<WorkingPeriod> PeriodsOn(IsoDayOfWeek day) => _periodsByDay[(int)day];

    /// <summary>Monday to Friday, 09:00–17:00, no holidays, in <paramref name="zone"/>.</summary>
    public static BusinessCalendar WeekdaysNineToFive(DateTimeZone zone)
    {
        IReadOnlyList<WorkingPeriod> day = [new WorkingPeriod(new LocalTime(9, 0), new LocalTime(17, 0))];
        var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Monday] = day,
            [IsoDayOfWeek.Tuesday] = day,
            [IsoDayOfWeek.Wednesday] = day,
            [IsoDayOfWeek.Thursday] = day,
            [IsoDayOfWeek.Friday] = day,
        };
        return new BusinessCalendar(zone, week);
    }

    /// <summary>A copy of this calendar with additional holidays.</summary>
    public BusinessCalendar WithHolidays(IEnumerable<LocalDate> holidays)
    {
        var week = Enumerable.Range(1, 7).ToDictionary(d => (IsoDayOfWeek)d, d => (IReadOnlyList<WorkingPeriod>)_periodsByDay[d]);
        return new BusinessCalendar(Zone, week, _holidays.Concat(holidays));
    }

    /// <summary>True when <paramref name="instant"/> falls inside a working period.</summary>
    public bool IsWorkingTime(Instant instant)
    {
        var local = instant.InZone(Zone).LocalDateTime;
        foreach (var (start, end) in WorkingInstantsOn(local.Date))
        {
            if (instant >= start && instant < end)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The instant at which <paramref name="workingTime"/> of working time has elapsed after
    /// <paramref name="start"/>. Time outside working periods does not count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workingTime"/> is negative.</exception>
    public Instant AddWorkingTime(Instant start, Duration workingTime)
    {
        if (workingTime < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(workingTime), workingTime, "Working time to add must not be negative.");
        }

        var remaining = workingTime;
        var date = start.InZone(Zone).Date.PlusDays(-1); // a period of the previous local day may still be running
        for (var i = 0; i < MaxDaysSearched; i++, date = date.PlusDays(1))
        {
            foreach (var (periodStart, periodEnd) in WorkingInstantsOn(date))
            {
                if (periodEnd <= start)
                {
                    continue;
                }

                var from = periodStart > start ? periodStart : start;
                var available = periodEnd - from;
                if (remaining <= available)
                {
                    return from + remaining;
                }

                remaining -= available;
            }
        }

        throw new InvalidOperationException($"No working time found within {MaxDaysSearched} days after {start}; check the calendar's holidays.");
    }

    /// <summary>Working time between two instants (zero when <paramref name="end"/> is not after <paramref name="start"/>).</summary>
    public Duration WorkingTimeBetween(Instant start, Instant end)
    {
        if (end <= start)
        {
            return Duration.Zero;
        }

        var total = Duration.Zero;
        var last = end.InZone(Zone).Date;
        for (var date = start.InZone(Zone).Date.PlusDays(-1); date <= last; date = date.PlusDays(1))
        {
            foreach (var (periodStart, periodEnd) in WorkingInstantsOn(date))
            {
                var from = periodStart > start ? periodStart : start;
                var to = periodEnd < end ? periodEnd : end;
                if (to > from)
                {
                    total += to - from;
                }
            }
        }

        return total;
    }

    private IEnumerable<(Instant Start, Instant End)> WorkingInstantsOn(LocalDate date)
    {
        if (_holidays.Contains(date))
        {
            yield break;
        }

        foreach (var period in _periodsByDay[(int)date.DayOfWeek])
        {
            // Lenient mapping: a start inside a spring-forward gap moves to the gap's end, an
            // ambiguous autumn time takes its earlier occurrence.
            var start = Zone.AtLeniently(date + period.Start).ToInstant();
            var end = Zone.AtLeniently(date + period.End).ToInstant();
            if (end > start)
            {
                yield return (start, end);
            }
        }
    }
}
