namespace Opportunity.Pipelines;

/// <summary>
/// How a deal counts in a forecast, as in Salesforce: the period rollup is
/// Closed (won) + Commit + BestCase; Pipeline is earlier, Omitted is left out.
/// </summary>
public enum ForecastCategory
{
    /// <summary>Early; counted in the pipeline, not in the forecast.</summary>
    Pipeline = 0,

    /// <summary>Could close in the period if things go well.</summary>
    BestCase = 1,

    /// <summary>The partner commits to closing it in the period.</summary>
    Commit = 2,

    /// <summary>Closed won.</summary>
    Closed = 3,

    /// <summary>Excluded (lost, or deliberately left out).</summary>
    Omitted = 4,
}
