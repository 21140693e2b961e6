using NodaTime;
using NodaTime.Text;
using Opportunity.Partners;

namespace Opportunity.Core.Tests.Partners;

public sealed class BusinessCalendarTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    private static Instant Local(DateTimeZone zone, string localDateTime) =>
        LocalDateTimePattern.GeneralIso.Parse(localDateTime).Value.InZoneStrictly(zone).ToInstant();

    [Fact]
    public void AddWorkingTime_WithinOneDay_AddsPlainly()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin);
        var start = Local(Berlin, "2026-11-24T10:00:00"); // Tuesday
        Assert.Equal(Local(Berlin, "2026-11-24T14:00:00"), calendar.AddWorkingTime(start, Duration.FromHours(4)));
    }

    [Fact]
    public void AddWorkingTime_FridayAfternoon_SkipsWeekend()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin);
        var friday = Local(Berlin, "2026-11-27T15:00:00");
        Assert.Equal(Local(Berlin, "2026-11-30T11:00:00"), calendar.AddWorkingTime(friday, Duration.FromHours(4)));
    }

    [Fact]
    public void AddWorkingTime_StartOutsideHours_StartsAtNextOpening()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin);
        var saturday = Local(Berlin, "2026-11-28T12:00:00");
        Assert.Equal(Local(Berlin, "2026-11-30T09:30:00"), calendar.AddWorkingTime(saturday, Duration.FromMinutes(30)));
    }

    [Fact]
    public void AddWorkingTime_Holiday_IsSkipped()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin).WithHolidays([new LocalDate(2026, 12, 25)]);
        var thursday = Local(Berlin, "2026-12-24T16:00:00");
        // 1 h left on Thursday, Friday is a holiday, weekend, then Monday 09:00 + 3 h.
        Assert.Equal(Local(Berlin, "2026-12-28T12:00:00"), calendar.AddWorkingTime(thursday, Duration.FromHours(4)));
    }

    [Fact]
    public void AddWorkingTime_AcrossSpringForwardNight_CountsLocalWorkingHours()
    {
        // Berlin moves from 02:00 to 03:00 on 2027-03-28 (a Sunday). Working hours stay 9–17 local.
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin);
        var friday = Local(Berlin, "2027-03-26T13:00:00");
        var deadline = calendar.AddWorkingTime(friday, Duration.FromHours(8));
        Assert.Equal(Local(Berlin, "2027-03-29T13:00:00"), deadline);
        Assert.Equal(Offset.FromHours(2), Berlin.GetUtcOffset(deadline));
    }

    [Fact]
    public void AddWorkingTime_NightShiftSpanningDstGap_IsOneHourShorter()
    {
        // A calendar that works 00:00–06:00 on Sundays: the spring-forward day has 5 real hours.
        var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Sunday] = [new WorkingPeriod(new LocalTime(0, 0), new LocalTime(6, 0))],
        };
        var calendar = new BusinessCalendar(Berlin, week);
        var start = Local(Berlin, "2027-03-28T00:00:00");
        Assert.Equal(Duration.FromHours(5), calendar.WorkingTimeBetween(start, Local(Berlin, "2027-03-28T06:00:00")));
    }

    [Fact]
    public void AddWorkingTime_PartnerInSydney_UsesSydneyHours()
    {
        var sydney = DateTimeZoneProviders.Tzdb["Australia/Sydney"];
        var calendar = BusinessCalendar.WeekdaysNineToFive(sydney);
        // 2026-11-24T08:00Z is 19:00 in Sydney (UTC+11): after hours; the next opening is 09:00 Wednesday Sydney.
        var start = Instant.FromUtc(2026, 11, 24, 8, 0);
        Assert.Equal(Local(sydney, "2026-11-25T13:00:00"), calendar.AddWorkingTime(start, Duration.FromHours(4)));
    }

    [Fact]
    public void AddWorkingTime_ExactlyToEndOfDay_ReturnsClosingTime()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc);
        var start = Instant.FromUtc(2026, 11, 24, 9, 0);
        Assert.Equal(Instant.FromUtc(2026, 11, 24, 17, 0), calendar.AddWorkingTime(start, Duration.FromHours(8)));
    }

    [Fact]
    public void AddWorkingTime_Negative_ThrowsNamingArgument()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => calendar.AddWorkingTime(Instant.FromUtc(2026, 1, 1, 0, 0), Duration.FromHours(-1)));
        Assert.Equal("workingTime", ex.ParamName);
    }

    [Fact]
    public void WorkingTimeBetween_IsInverseOfAddWorkingTime()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin);
        var start = Local(Berlin, "2026-10-23T11:17:00"); // the weekend after includes the autumn DST change
        for (var minutes = 0; minutes < 60 * 40; minutes += 37)
        {
            var end = calendar.AddWorkingTime(start, Duration.FromMinutes(minutes));
            Assert.Equal(Duration.FromMinutes(minutes), calendar.WorkingTimeBetween(start, end));
        }
    }

    [Fact]
    public void IsWorkingTime_ChecksLocalHoursAndHolidays()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin).WithHolidays([new LocalDate(2026, 12, 25)]);
        Assert.True(calendar.IsWorkingTime(Local(Berlin, "2026-12-24T09:00:00")));
        Assert.False(calendar.IsWorkingTime(Local(Berlin, "2026-12-24T17:00:00")));
        Assert.False(calendar.IsWorkingTime(Local(Berlin, "2026-12-25T10:00:00")));
    }

    [Fact]
    public void Constructor_OverlappingPeriods_ThrowsNamingTheDay()
    {
        var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Monday] = [new WorkingPeriod(new LocalTime(9, 0), new LocalTime(13, 0)), new WorkingPeriod(new LocalTime(12, 0), new LocalTime(17, 0))],
        };
        var ex = Assert.Throws<ArgumentException>(() => new BusinessCalendar(DateTimeZone.Utc, week));
        Assert.Contains("Monday", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoWorkingTime_Throws()
    {
        Assert.Throws<ArgumentException>(() => new BusinessCalendar(DateTimeZone.Utc, new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>()));
    }

    [Fact]
    public void WorkingPeriod_EndAtOrBeforeStart_RunsIntoTheNextDay()
    {
        var night = new WorkingPeriod(new LocalTime(22, 0), new LocalTime(6, 0));
        var toMidnight = new WorkingPeriod(new LocalTime(8, 0), LocalTime.Midnight);

        Assert.True(night.CrossesMidnight);
        Assert.Equal(Duration.FromHours(8), night.Length);
        Assert.True(toMidnight.CrossesMidnight);
        Assert.Equal(Duration.FromHours(16), toMidnight.Length);
        Assert.Equal(Duration.FromHours(24), new WorkingPeriod(LocalTime.Midnight, LocalTime.Midnight).Length);
        Assert.False(new WorkingPeriod(new LocalTime(9, 0), new LocalTime(17, 0)).CrossesMidnight);
    }

    [Fact]
    public void AddWorkingTime_NightShift_RunsFromTheEveningIntoTheNextMorning()
    {
        var calendar = new BusinessCalendar(Berlin, new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Friday] = [new WorkingPeriod(new LocalTime(22, 0), new LocalTime(6, 0))],
        });
        var friday = Local(Berlin, "2026-11-27T23:00:00");

        Assert.True(calendar.IsWorkingTime(Local(Berlin, "2026-11-28T05:59:00")));
        Assert.False(calendar.IsWorkingTime(Local(Berlin, "2026-11-28T06:00:00")));
        Assert.Equal(Local(Berlin, "2026-11-28T05:00:00"), calendar.AddWorkingTime(friday, Duration.FromHours(6)));
        Assert.Equal(Local(Berlin, "2026-12-04T23:00:00"), calendar.AddWorkingTime(friday, Duration.FromHours(8)));
    }

    [Fact]
    public void AddWorkingTime_NightShiftAcrossAutumnDst_CountsTheRepeatedHour()
    {
        // Saturday 24 October 2026 22:00 CEST to Sunday 06:00 CET: 9 real hours.
        var calendar = new BusinessCalendar(Berlin, new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Saturday] = [new WorkingPeriod(new LocalTime(22, 0), new LocalTime(6, 0))],
        });
        var start = Local(Berlin, "2026-10-24T22:00:00");

        Assert.Equal(Duration.FromHours(9), calendar.WorkingTimeBetween(start, Local(Berlin, "2026-10-25T06:00:00")));
    }

    [Fact]
    public void AddWorkingTime_PeriodEndingAt24_EndsAtTheNextMidnight()
    {
        var calendar = new BusinessCalendar(Berlin, new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Saturday] = [new WorkingPeriod(new LocalTime(18, 0), LocalTime.Midnight)],
        });

        Assert.Equal(Local(Berlin, "2026-11-29T00:00:00"), calendar.AddWorkingTime(Local(Berlin, "2026-11-28T12:00:00"), Duration.FromHours(6)));
        Assert.Equal(Local(Berlin, "2026-12-05T18:00:00") + Duration.FromMinutes(1), calendar.AddWorkingTime(Local(Berlin, "2026-11-28T12:00:00"), Duration.FromHours(6) + Duration.FromMinutes(1)));
    }

    [Fact]
    public void AddWorkingTime_OverriddenDates_UseTheirOwnHours()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin)
            .WithHolidays([new LocalDate(2026, 12, 24)])
            .WithOverride(new LocalDate(2026, 12, 24), [new WorkingPeriod(new LocalTime(8, 0), new LocalTime(12, 0))]) // wins over the holiday
            .WithOverride(new LocalDate(2026, 12, 12), [new WorkingPeriod(new LocalTime(10, 0), new LocalTime(14, 0))]) // a working Saturday
            .WithOverride(new LocalDate(2026, 12, 11), []); // a Friday off

        Assert.Equal(Duration.FromHours(4), calendar.WorkingTimeBetween(Local(Berlin, "2026-12-24T00:00:00"), Local(Berlin, "2026-12-25T00:00:00")));
        Assert.Equal(Local(Berlin, "2026-12-12T12:00:00"), calendar.AddWorkingTime(Local(Berlin, "2026-12-10T17:00:00"), Duration.FromHours(2)));
        Assert.Equal([new LocalDate(2026, 12, 11), new LocalDate(2026, 12, 12), new LocalDate(2026, 12, 24)], calendar.Overrides.Keys.Order());
        Assert.Empty(calendar.PeriodsOn(new LocalDate(2026, 12, 11)));
    }

    [Fact]
    public void WorkingTimeBetween_NightShiftRunningIntoTheNextDaysHours_CountsSharedTimeOnce()
    {
        var calendar = new BusinessCalendar(DateTimeZone.Utc, new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Monday] = [new WorkingPeriod(new LocalTime(20, 0), new LocalTime(10, 0))],
            [IsoDayOfWeek.Tuesday] = [new WorkingPeriod(new LocalTime(8, 0), new LocalTime(12, 0))],
        });
        var monday = Instant.FromUtc(2026, 11, 30, 0, 0);

        Assert.Equal(Duration.FromHours(16), calendar.WorkingTimeBetween(monday, monday + Duration.FromDays(2)));
        Assert.Equal(Instant.FromUtc(2026, 12, 1, 12, 0), calendar.AddWorkingTime(monday, Duration.FromHours(16)));
    }

    [Fact]
    public void Constructor_PeriodAfterANightShiftOnTheSameDay_ThrowsNamingTheDay()
    {
        var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Friday] = [new WorkingPeriod(new LocalTime(22, 0), new LocalTime(6, 0)), new WorkingPeriod(new LocalTime(23, 0), new LocalTime(23, 30))],
        };
        var ex = Assert.Throws<ArgumentException>(() => new BusinessCalendar(DateTimeZone.Utc, week));
        Assert.Contains("Friday", ex.Message, StringComparison.Ordinal);
        Assert.Contains("22:00-06:00", ex.Message, StringComparison.Ordinal);
    }
}
