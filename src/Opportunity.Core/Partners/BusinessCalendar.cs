using NodaTime;

namespace Opportunity.Partners;

/// <summary>
/// When a partner works: a time zone, working periods per weekday, holidays, and per-date
/// overrides (24 December 08:00–12:00, a special working Saturday). SLA deadlines and "time to
/// accept in business time" are computed here, in the partner's own local time, so a
/// four-working-hour reminder for a partner in Sydney is four of Sydney's working hours, DST
/// included (a local working day that is 23 or 25 hours long still has its local 9–17). Periods
/// may end at 24:00 or run overnight (22:00–06:00); working time that two periods share (a night
/// shift running into the next day's hours) counts once.
/// </summary>
public sealed class BusinessCalendar : IBusinessCalendar
{
    // A calendar with no working time would make AddWorkingTime loop forever; cap the search.
    private const int MaxDaysSearched = 3 * 366;

    private readonly WorkingPeriod[][] _periodsByDay; // index: IsoDayOfWeek 1..7
    private readonly HashSet<LocalDate> _holidays;
    private readonly Dictionary<LocalDate, WorkingPeriod[]> _overrides;

    /// <summary>Creates a calendar.</summary>
    /// <param name="zone">The partner's time zone.</param>
    /// <param name="weeklyHours">Working periods per weekday (a period belongs to the day it starts on); days not present are not worked.</param>
    /// <param name="holidays">Local dates on which nobody works.</param>
    /// <param name="overrides">Local dates whose working periods replace the weekday's (an empty list: a day off); an override wins over a holiday on the same date.</param>
    /// <exception cref="ArgumentException">Periods of one day overlap, or no weekday has working time.</exception>
    public BusinessCalendar(
        DateTimeZone zone,
        IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>> weeklyHours,
        IEnumerable<LocalDate>? holidays = null,
        IReadOnlyDictionary<LocalDate, IReadOnlyList<WorkingPeriod>>? overrides = null)
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

            _periodsByDay[(int)day] = Sorted(periods, day.ToString(), nameof(weeklyHours));
        }

        if (_periodsByDay.All(p => p.Length == 0))
        {
            throw new ArgumentException("A business calendar needs working time on at least one weekday.", nameof(weeklyHours));
        }

        _holidays = [.. holidays ?? []];
        _overrides = (overrides ?? new Dictionary<LocalDate, IReadOnlyList<WorkingPeriod>>())
            .ToDictionary(kv => kv.Key, kv => Sorted(kv.Value, kv.Key.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture), nameof(overrides)));
    }

    /// <summary>The calendar's time zone.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>Holidays (local dates without working time, unless overridden).</summary>
    public IReadOnlyCollection<LocalDate> Holidays => _holidays;

    /// <summary>
    /// The working periods of each worked weekday, in order (days without working time are absent):
    /// the calendar's whole week as data, so it serializes and can be copied into a new calendar.
    /// </summary>
    public IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>> WeeklyHours =>
        Enumerable.Range(1, 7)
            .Where(d => _periodsByDay[d].Length > 0)
            .ToDictionary(d => (IsoDayOfWeek)d, d => (IReadOnlyList<WorkingPeriod>)_periodsByDay[d]);

    /// <summary>Per-date working periods that replace the weekday's (an empty list: a day off).</summary>
    public IReadOnlyDictionary<LocalDate, IReadOnlyList<WorkingPeriod>> Overrides =>
        _overrides.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<WorkingPeriod>)kv.Value);

    /// <summary>Working periods of a weekday, in order.</summary>
    public IReadOnlyList<WorkingPeriod> PeriodsOn(IsoDayOfWeek day) => _periodsByDay[(int)day];

    /// <summary>Working periods that start on a local date, in order: its override, else none on a holiday, else its weekday's.</summary>
    public IReadOnlyList<WorkingPeriod> PeriodsOn(LocalDate date) =>
        _overrides.TryGetValue(date, out var special) ? special
        : _holidays.Contains(date) ? []
        : _periodsByDay[(int)date.DayOfWeek];

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
    public BusinessCalendar WithHolidays(IEnumerable<LocalDate> holidays) =>
        new(Zone, WeeklyHours, _holidays.Concat(holidays), Overrides);

    /// <summary>A copy of this calendar in which <paramref name="date"/> has exactly <paramref name="periods"/> (none: a day off), e.g. 24 December 08:00–12:00.</summary>
    /// <exception cref="ArgumentException">The periods overlap.</exception>
    public BusinessCalendar WithOverride(LocalDate date, IEnumerable<WorkingPeriod> periods)
    {
        ArgumentNullException.ThrowIfNull(periods);
        var overrides = new Dictionary<LocalDate, IReadOnlyList<WorkingPeriod>>(Overrides) { [date] = [.. periods] };
        return new BusinessCalendar(Zone, WeeklyHours, _holidays, overrides);
    }

    /// <summary>True when <paramref name="instant"/> falls inside a working period.</summary>
    public bool IsWorkingTime(Instant instant)
    {
        var date = instant.InZone(Zone).Date;
        foreach (var (start, end) in WorkingIntervals(date.PlusDays(-1), date))
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
        var first = start.InZone(Zone).Date.PlusDays(-1); // a period of the previous local day may still be running
        foreach (var (periodStart, periodEnd) in WorkingIntervals(first, first.PlusDays(MaxDaysSearched)))
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

        throw new InvalidOperationException($"No working time found within {MaxDaysSearched} days after {start}; check the calendar's holidays and overrides.");
    }

    /// <summary>Working time between two instants (zero when <paramref name="end"/> is not after <paramref name="start"/>).</summary>
    public Duration WorkingTimeBetween(Instant start, Instant end)
    {
        if (end <= start)
        {
            return Duration.Zero;
        }

        var total = Duration.Zero;
        foreach (var (periodStart, periodEnd) in WorkingIntervals(start.InZone(Zone).Date.PlusDays(-1), end.InZone(Zone).Date))
        {
            var from = periodStart > start ? periodStart : start;
            var to = periodEnd < end ? periodEnd : end;
            if (to > from)
            {
                total += to - from;
            }
        }

        return total;
    }

    /// <summary>
    /// The working time of the periods starting on <paramref name="first"/> … <paramref name="last"/>
    /// as disjoint instant intervals in order: intervals that overlap or touch (a night shift running
    /// into the next day's hours) are merged, so no instant counts twice.
    /// </summary>
    private IEnumerable<(Instant Start, Instant End)> WorkingIntervals(LocalDate first, LocalDate last)
    {
        (Instant Start, Instant End)? pending = null;
        for (var date = first; date <= last; date = date.PlusDays(1))
        {
            foreach (var period in PeriodsOn(date))
            {
                // Lenient mapping: a time inside a spring-forward gap moves to the gap's end, an
                // ambiguous autumn time takes its earlier occurrence. Starts ascend across dates.
                var start = Zone.AtLeniently(date + period.Start).ToInstant();
                var end = Zone.AtLeniently((period.CrossesMidnight ? date.PlusDays(1) : date) + period.End).ToInstant();
                if (end <= start)
                {
                    continue;
                }

                if (pending is { } open && start <= open.End)
                {
                    pending = (open.Start, end > open.End ? end : open.End);
                    continue;
                }

                if (pending is { } done)
                {
                    yield return done;
                }

                pending = (start, end);
            }
        }

        if (pending is { } rest)
        {
            yield return rest;
        }
    }

    /// <summary>The periods of one day in order; they must not overlap (a period crossing midnight must be the day's last).</summary>
    private static WorkingPeriod[] Sorted(IEnumerable<WorkingPeriod> periods, string day, string parameter)
    {
        ArgumentNullException.ThrowIfNull(periods, parameter);
        var sorted = periods.OrderBy(p => p.Start).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Start.TickOfDay < sorted[i - 1].EndOffsetTicks)
            {
                throw new ArgumentException($"Working periods on {day} overlap ({sorted[i - 1].ToText()} and {sorted[i].ToText()}).", parameter);
            }
        }

        return sorted;
    }
}
