using NodaTime;
using Opportunity.Partners;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>A partner calendar's per-date overrides, night shifts and periods ending at 24:00 read back and count the same working time.</summary>
    [ConformanceFact]
    public async Task Partner_CalendarWithOverridesNightShiftAndMidnight_RoundTrips()
    {
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var calendar = new BusinessCalendar(
            berlin,
            new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
            {
                [IsoDayOfWeek.Monday] = [new WorkingPeriod(new LocalTime(8, 0), LocalTime.Midnight)],
                [IsoDayOfWeek.Friday] = [new WorkingPeriod(new LocalTime(9, 0), new LocalTime(12, 0)), new WorkingPeriod(new LocalTime(22, 0), new LocalTime(6, 0))],
            },
            [new LocalDate(2025, 12, 26)])
            .WithOverride(new LocalDate(2025, 12, 24), [new WorkingPeriod(new LocalTime(8, 0), new LocalTime(12, 0))])
            .WithOverride(new LocalDate(2025, 12, 27), [new WorkingPeriod(new LocalTime(10, 0), new LocalTime(14, 0))])
            .WithOverride(new LocalDate(2025, 12, 29), []);
        var partner = NewPartner(TenantA, P1) with { Calendar = calendar };

        await Store.Partners.UpsertAsync(partner);
        var found = await Store.Partners.FindAsync(TenantA, P1);

        Assert.NotNull(found);
        Assert.Equal(Doc(partner), Doc(found));
        var back = Assert.IsType<BusinessCalendar>(found.Calendar);
        Assert.Equal(calendar.Overrides.Keys.Order(), back.Overrides.Keys.Order());
        Assert.Empty(back.PeriodsOn(new LocalDate(2025, 12, 29)));
        Assert.Equal([new WorkingPeriod(new LocalTime(22, 0), new LocalTime(6, 0))], back.PeriodsOn(IsoDayOfWeek.Friday).Skip(1));
        var start = Instant.FromUtc(2025, 12, 19, 0, 0);
        var end = Instant.FromUtc(2026, 1, 10, 0, 0);
        Assert.Equal(calendar.WorkingTimeBetween(start, end), back.WorkingTimeBetween(start, end));
        Assert.Equal(calendar.AddWorkingTime(start, Duration.FromHours(37)), back.AddWorkingTime(start, Duration.FromHours(37)));
    }

    /// <summary>A calendar of the app's own type cannot be stored: every store refuses it with a typed error naming the field, and keeps nothing.</summary>
    [ConformanceFact]
    public async Task Partner_WithCalendarOfItsOwnType_IsRefusedNamingTheField()
    {
        var partner = NewPartner(TenantA, P1) with { Calendar = new AlwaysWorking() };

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => Store.Partners.UpsertAsync(partner));

        Assert.Equal("Partner.Calendar", ex.Field);
        Assert.Equal(OpportunityErrorCodes.ValidationFailed, ex.ErrorCode);
        Assert.Null(await Store.Partners.FindAsync(TenantA, P1));
    }

    private sealed class AlwaysWorking : IBusinessCalendar
    {
        public DateTimeZone Zone => DateTimeZone.Utc;

        public bool IsWorkingTime(Instant instant) => true;

        public Instant AddWorkingTime(Instant start, Duration workingTime) => start + workingTime;

        public Duration WorkingTimeBetween(Instant start, Instant end) => end > start ? end - start : Duration.Zero;
    }
}
