using NodaTime;
using Opportunity.Forecasting;

namespace Opportunity.Workflows;

/// <summary>
/// The schedule of <see cref="ForecastSnapshotScheduler"/>: which tenants' forecast trees are
/// snapshotted node by node, when (in the tenants' time zone), for which period and in which currency.
/// Bound from configuration by <c>AddForecastSnapshotSchedule(configuration)</c> (docs/configuration.md).
/// </summary>
public sealed class ForecastSnapshotScheduleOptions
{
    /// <summary>The tenants whose trees are snapshotted (none: the schedule does nothing).</summary>
    public IList<string> Tenants { get; } = [];

    /// <summary>Weekly (default) or at the start of every period.</summary>
    public ForecastSnapshotCadence Cadence { get; set; } = ForecastSnapshotCadence.Weekly;

    /// <summary>The day of a weekly snapshot; default Monday.</summary>
    public IsoDayOfWeek DayOfWeek { get; set; } = IsoDayOfWeek.Monday;

    /// <summary>The local time of day a snapshot is due; default 06:00.</summary>
    public TimeSpan TimeOfDay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The tenants' time zone (IANA id, e.g. <c>Europe/Berlin</c>); default <c>UTC</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The kind of period snapshotted: the one the snapshot's date falls in; default the quarter.</summary>
    public PeriodKind Period { get; set; } = PeriodKind.Quarter;

    /// <summary>The first month (1–12) of the fiscal year; default 1 (calendar year).</summary>
    public int FiscalYearStartMonth { get; set; } = 1;

    /// <summary>The reporting currency (ISO 4217); default EUR. Deals in other currencies need an <see cref="IExchangeRateProvider"/> registered.</summary>
    public string Currency { get; set; } = "EUR";
}
