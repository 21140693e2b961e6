namespace Opportunity.Persistence.PostgreSql.Pipelines;

/// <summary>How expected close dates are bucketed in a pipeline aggregation.</summary>
public enum ClosePeriod
{
    /// <summary>No period grouping.</summary>
    None = 0,

    /// <summary>Calendar month of the expected close date.</summary>
    Month = 1,

    /// <summary>Fiscal quarter (see <see cref="PipelineGrouping.FiscalYearStartMonth"/>).</summary>
    Quarter = 2,

    /// <summary>Fiscal year (see <see cref="PipelineGrouping.FiscalYearStartMonth"/>).</summary>
    Year = 3,
}
