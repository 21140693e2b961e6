using FsCheck.Xunit;
using NodaTime;
using Opportunity.Partners;

namespace Opportunity.Core.Tests.Partners;

/// <summary>
/// Business-time arithmetic stays exact on random calendars with night shifts, periods ending at
/// 24:00, per-date overrides and holidays, in zones with DST (both hemispheres), started around the
/// clock changes.
/// </summary>
public sealed class BusinessCalendarProperties
{
    private static readonly DateTimeZone[] Zones =
        [.. new[] { "Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "UTC" }.Select(id => DateTimeZoneProviders.Tzdb[id])];

    // Local dates of 2026 clock changes in those zones (Lord Howe shifts by 30 minutes).
    private static readonly LocalDate[] Transitions =
        [new(2026, 3, 8), new(2026, 3, 29), new(2026, 4, 5), new(2026, 10, 4), new(2026, 10, 25), new(2026, 11, 1)];

    [Property(MaxTest = 300)]
    public bool WorkingTimeBetween_OfAddWorkingTime_IsTheTimeAdded(int seed)
    {
        var (calendar, start, random) = Scenario(seed);
        var added = Duration.FromMinutes(random.Next(0, 60 * 80));

        return calendar.WorkingTimeBetween(start, calendar.AddWorkingTime(start, added)) == added;
    }

    [Property(MaxTest = 300)]
    public bool AddWorkingTime_InTwoSteps_EqualsOneStep(int seed)
    {
        var (calendar, start, random) = Scenario(seed);
        var first = Duration.FromMinutes(random.Next(0, 60 * 40));
        var second = Duration.FromMinutes(random.Next(1, 60 * 40));

        return calendar.AddWorkingTime(calendar.AddWorkingTime(start, first), second) == calendar.AddWorkingTime(start, first + second);
    }

    [Property(MaxTest = 300)]
    public bool WorkingTimeBetween_SplitAnywhere_AddsUp(int seed)
    {
        var (calendar, start, random) = Scenario(seed);
        var middle = start + Duration.FromMinutes(random.Next(0, 60 * 24 * 4));
        var end = middle + Duration.FromMinutes(random.Next(0, 60 * 24 * 4));

        return calendar.WorkingTimeBetween(start, middle) + calendar.WorkingTimeBetween(middle, end) == calendar.WorkingTimeBetween(start, end);
    }

    [Property(MaxTest = 300)]
    public bool IsWorkingTime_AgreesWithWorkingTimeBetween(int seed)
    {
        var (calendar, start, _) = Scenario(seed);

        return calendar.IsWorkingTime(start) == (calendar.WorkingTimeBetween(start, start + Duration.Epsilon) == Duration.Epsilon);
    }

    /// <summary>A random calendar and a start instant within a few days of a clock change.</summary>
    internal static (BusinessCalendar Calendar, Instant Start, Random Random) Scenario(int seed)
    {
        var random = new Random(seed);
        var zone = Zones[random.Next(Zones.Length)];
        var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>();
        for (var day = 1; day <= 7; day++)
        {
            if (Day(random) is { Count: > 0 } periods)
            {
                week[(IsoDayOfWeek)day] = periods;
            }
        }

        if (week.Count == 0)
        {
            week[IsoDayOfWeek.Monday] = [new WorkingPeriod(new LocalTime(22, 0), new LocalTime(6, 0))];
        }

        var transition = Transitions[random.Next(Transitions.Length)];
        var overrides = new Dictionary<LocalDate, IReadOnlyList<WorkingPeriod>>();
        var holidays = new List<LocalDate>();
        for (var offset = -3; offset <= 3; offset++)
        {
            switch (random.Next(4))
            {
                case 0: overrides[transition.PlusDays(offset)] = Day(random); break;
                case 1: holidays.Add(transition.PlusDays(offset)); break;
            }
        }

        var calendar = new BusinessCalendar(zone, week, holidays, overrides);
        var start = zone.AtLeniently(transition.PlusDays(random.Next(-3, 3)).AtMidnight()).ToInstant() + Duration.FromMinutes(random.Next(0, 60 * 24));
        return (calendar, start, random);
    }

    /// <summary>0–2 non-overlapping periods on a quarter-hour grid; the last may cross midnight (end at 24:00, a night shift, a whole day).</summary>
    private static List<WorkingPeriod> Day(Random random)
    {
        const int QuartersPerDay = 96;
        var periods = new List<WorkingPeriod>();
        var cursor = 0;
        for (var i = random.Next(0, 3); i > 0 && cursor < QuartersPerDay; i--)
        {
            var start = cursor + random.Next(0, QuartersPerDay - cursor);
            var length = random.Next(1, QuartersPerDay + 1);
            periods.Add(new WorkingPeriod(Quarter(start), Quarter((start + length) % QuartersPerDay)));
            if (start + length >= QuartersPerDay)
            {
                break;
            }

            cursor = start + length;
        }

        return periods;
    }

    private static LocalTime Quarter(int quarter) => LocalTime.FromMinutesSinceMidnight(quarter * 15);
}
