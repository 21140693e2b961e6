namespace Opportunity.Forecasting;

/// <summary>The length of a <see cref="ForecastPeriod"/>.</summary>
public enum PeriodKind
{
    /// <summary>A calendar month.</summary>
    Month = 0,

    /// <summary>A fiscal quarter (three months from the fiscal year's start).</summary>
    Quarter = 1,

    /// <summary>A fiscal year (twelve months from the configured start month).</summary>
    FiscalYear = 2,
}
