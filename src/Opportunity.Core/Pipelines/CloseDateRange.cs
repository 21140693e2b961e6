using NodaTime;
using NodaTime.Text;

namespace Opportunity.Pipelines;

/// <summary>
/// The expected close dates a deal may have: those a pipeline snapshot's month column holds (a
/// 16-bit count of months since January 2000, May of the year −731 to August 4730). The domain and
/// the importers refuse a date outside them, so no stored deal makes a forecast throw.
/// </summary>
internal static class CloseDateRange
{
    /// <summary>The lowest month code (months since January 2000).</summary>
    public const int MinMonthCode = short.MinValue;

    /// <summary>The highest month code.</summary>
    public const int MaxMonthCode = short.MaxValue;

    /// <summary>The first date of the range.</summary>
    public static LocalDate First { get; } = FirstDayOfMonth(MinMonthCode);

    /// <summary>The last date of the range.</summary>
    public static LocalDate Last { get; } = FirstDayOfMonth(MaxMonthCode).PlusMonths(1).PlusDays(-1);

    /// <summary>The range as every refusal words it: <c>between -0731-05-01 and 4730-08-31</c>.</summary>
    public static string Text { get; } = $"between {LocalDatePattern.Iso.Format(First)} and {LocalDatePattern.Iso.Format(Last)}";

    /// <summary>Months since January 2000 of the date (negative before), in or out of the range.</summary>
    public static int MonthsSince2000(LocalDate date) => ((date.Year - 2000) * 12) + date.Month - 1;

    /// <summary>True when the date lies in the range.</summary>
    public static bool Contains(LocalDate date) => MonthsSince2000(date) is >= MinMonthCode and <= MaxMonthCode;

    // The first day of a month code's month (floored division: codes before 2000 are negative).
    private static LocalDate FirstDayOfMonth(int code)
    {
        var index = code + (2000 * 12);
        var year = (int)Math.Floor(index / 12.0);
        return new LocalDate(year, index - (year * 12) + 1, 1);
    }
}
