using NodaTime;
using Opportunity.Forecasting;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class FiscalCalendarTests
{
    [Theory]
    [InlineData(1, 2025, 5, 1, 2025, 2, "2025-Q2", "2025")]
    [InlineData(4, 2024, 4, 15, 2025, 1, "FY2025-Q1", "FY2025")]
    [InlineData(4, 2025, 3, 31, 2025, 4, "FY2025-Q4", "FY2025")]
    [InlineData(7, 2024, 12, 1, 2025, 2, "FY2025-Q2", "FY2025")]
    [InlineData(10, 1999, 10, 1, 2000, 1, "FY2000-Q1", "FY2000")]
    public void PeriodOf_FiscalStartMonth_NamesYearByItsEnd(int start, int y, int m, int d, int fiscalYear, int quarter, string quarterLabel, string yearLabel)
    {
        var calendar = new FiscalCalendar(start);
        var date = new LocalDate(y, m, d);

        Assert.Equal(fiscalYear, calendar.FiscalYearOf(date));
        Assert.Equal(quarter, calendar.FiscalQuarterOf(date));
        Assert.Equal(quarterLabel, calendar.QuarterOf(date).Label);
        Assert.Equal(yearLabel, calendar.YearOf(date).Label);
        Assert.True(calendar.QuarterOf(date).Contains(date));
        Assert.True(calendar.YearOf(date).Contains(date));
    }

    [Fact]
    public void Quarter_AprilStart_CoversThreeMonthsFromJuly()
    {
        var q2 = new FiscalCalendar(4).Quarter(2025, 2);

        Assert.Equal((new LocalDate(2024, 7, 1), new LocalDate(2024, 10, 1), new LocalDate(2024, 9, 30)), (q2.Start, q2.End, q2.LastDay));
    }

    [Fact]
    public void Default_IsTheCalendarYear() => Assert.Equal(1, default(FiscalCalendar).StartMonth);

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void Constructor_MonthOutOfRange_Throws(int month) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiscalCalendar(month));
}
