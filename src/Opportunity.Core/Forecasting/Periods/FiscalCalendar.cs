using System.Globalization;
using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// How a company's fiscal year is laid over the calendar: the month it starts in. A fiscal year is
/// named after the calendar year in which it ends (start April: April 2024 – March 2025 is FY2025);
/// with a January start it is simply the calendar year. Quarters count from the start month.
/// <c>default</c> is the calendar year (January).
/// </summary>
public readonly record struct FiscalCalendar
{
    private readonly int _startMonth;

    /// <summary>Creates a fiscal calendar starting in <paramref name="startMonth"/> (1 = January … 12 = December).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 1..12.</exception>
    public FiscalCalendar(int startMonth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(startMonth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startMonth, 12);
        _startMonth = startMonth;
    }

    /// <summary>The calendar year: fiscal year = calendar year, Q1 = January–March.</summary>
    public static FiscalCalendar CalendarYear => new(1);

    /// <summary>The month the fiscal year starts in, 1..12.</summary>
    public int StartMonth => _startMonth == 0 ? 1 : _startMonth;

    /// <summary>The fiscal year <paramref name="date"/> falls in, named by the calendar year in which it ends.</summary>
    public int FiscalYearOf(LocalDate date) => FiscalYearOfMonth(MonthIndex(date));

    /// <summary>The fiscal quarter (1..4) <paramref name="date"/> falls in.</summary>
    public int FiscalQuarterOf(LocalDate date) => FiscalQuarterOfMonth(MonthIndex(date));

    /// <summary>The period of the given kind that contains <paramref name="date"/>.</summary>
    public ForecastPeriod PeriodOf(LocalDate date, PeriodKind kind) => PeriodOfMonth(MonthIndex(date), kind);

    /// <summary>The calendar month containing <paramref name="date"/>.</summary>
    public ForecastPeriod MonthOf(LocalDate date) => PeriodOf(date, PeriodKind.Month);

    /// <summary>The fiscal quarter containing <paramref name="date"/>.</summary>
    public ForecastPeriod QuarterOf(LocalDate date) => PeriodOf(date, PeriodKind.Quarter);

    /// <summary>The fiscal year containing <paramref name="date"/>.</summary>
    public ForecastPeriod YearOf(LocalDate date) => PeriodOf(date, PeriodKind.FiscalYear);

    /// <summary>Fiscal quarter <paramref name="quarter"/> (1..4) of fiscal year <paramref name="fiscalYear"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The quarter is not 1..4.</exception>
    public ForecastPeriod Quarter(int fiscalYear, int quarter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quarter, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quarter, 4);
        return PeriodOfMonth(FirstMonthOfYear(fiscalYear) + ((quarter - 1) * 3), PeriodKind.Quarter);
    }

    /// <summary>Fiscal year <paramref name="fiscalYear"/>.</summary>
    public ForecastPeriod Year(int fiscalYear) => PeriodOfMonth(FirstMonthOfYear(fiscalYear), PeriodKind.FiscalYear);

    /// <summary>The calendar month <paramref name="month"/> of <paramref name="year"/>.</summary>
    public ForecastPeriod Month(int year, int month) => PeriodOfMonth((year * 12) + month - 1, PeriodKind.Month);

    /// <summary>A month as one integer: year × 12 + (month − 1).</summary>
    internal static int MonthIndex(LocalDate date) => (date.Year * 12) + date.Month - 1;

    internal int FiscalYearOfMonth(int monthIndex)
    {
        var shift = StartMonth - 1;
        return (int)Math.Floor((monthIndex - shift) / 12.0) + (shift > 0 ? 1 : 0);
    }

    internal int FiscalQuarterOfMonth(int monthIndex)
    {
        var shift = StartMonth - 1;
        var inYear = (((monthIndex - shift) % 12) + 12) % 12;
        return (inYear / 3) + 1;
    }

    /// <summary>A dense code for the period of the month, ordered in time (fiscal year × 4 + quarter − 1 for quarters).</summary>
    internal int PeriodCodeOfMonth(int monthIndex, PeriodKind kind) => kind switch
    {
        PeriodKind.Month => monthIndex,
        PeriodKind.Quarter => (FiscalYearOfMonth(monthIndex) * 4) + FiscalQuarterOfMonth(monthIndex) - 1,
        _ => FiscalYearOfMonth(monthIndex),
    };

    internal ForecastPeriod PeriodOfMonth(int monthIndex, PeriodKind kind)
    {
        int first;
        int length;
        string label;
        var fiscalPrefix = StartMonth == 1 ? string.Empty : "FY";
        switch (kind)
        {
            case PeriodKind.Month:
                first = monthIndex;
                length = 1;
                label = FormattableString.Invariant($"{FloorDiv(monthIndex, 12):0000}-{Mod(monthIndex, 12) + 1:00}");
                break;
            case PeriodKind.Quarter:
                var quarter = FiscalQuarterOfMonth(monthIndex);
                var year = FiscalYearOfMonth(monthIndex);
                first = FirstMonthOfYear(year) + ((quarter - 1) * 3);
                length = 3;
                label = string.Create(CultureInfo.InvariantCulture, $"{fiscalPrefix}{year:0000}-Q{quarter}");
                break;
            case PeriodKind.FiscalYear:
                var fiscalYear = FiscalYearOfMonth(monthIndex);
                first = FirstMonthOfYear(fiscalYear);
                length = 12;
                label = string.Create(CultureInfo.InvariantCulture, $"{fiscalPrefix}{fiscalYear:0000}");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown period kind.");
        }

        return new ForecastPeriod(kind, DateOfMonth(first), DateOfMonth(first + length), label);
    }

    private int FirstMonthOfYear(int fiscalYear)
    {
        var shift = StartMonth - 1;
        return ((fiscalYear - (shift > 0 ? 1 : 0)) * 12) + shift;
    }

    private static LocalDate DateOfMonth(int monthIndex) => new(FloorDiv(monthIndex, 12), Mod(monthIndex, 12) + 1, 1);

    private static int FloorDiv(int a, int b) => (int)Math.Floor(a / (double)b);

    private static int Mod(int a, int b) => ((a % b) + b) % b;
}
