using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// A reporting period: a month, a fiscal quarter or a fiscal year, as a half-open date range
/// [<see cref="Start"/>, <see cref="End"/>). Create periods with <see cref="FiscalCalendar"/>.
/// </summary>
/// <param name="Kind">Month, quarter or fiscal year.</param>
/// <param name="Start">The first day.</param>
/// <param name="End">The day after the last day.</param>
/// <param name="Label">A stable label: <c>2025-03</c>, <c>2025-Q1</c> / <c>FY2025-Q1</c>, <c>2025</c> / <c>FY2025</c>.</param>
public readonly record struct ForecastPeriod(PeriodKind Kind, LocalDate Start, LocalDate End, string Label)
{
    /// <summary>The last day of the period.</summary>
    public LocalDate LastDay => End.PlusDays(-1);

    /// <summary>True when <paramref name="date"/> lies in the period.</summary>
    public bool Contains(LocalDate date) => date >= Start && date < End;

    /// <summary>The first month (year × 12 + month − 1) of the period.</summary>
    internal int FirstMonthIndex => FiscalCalendar.MonthIndex(Start);

    /// <summary>The month after the last month of the period.</summary>
    internal int EndMonthIndex => FiscalCalendar.MonthIndex(End);

    /// <inheritdoc />
    public override string ToString() => Label;
}
