namespace Opportunity.Forecasting;

/// <summary>What pipeline totals can be grouped by (alone or any pair).</summary>
public enum PipelineDimension
{
    /// <summary>The partner working the deal.</summary>
    Partner = 0,

    /// <summary>The stage (by name across pipeline definitions, in pipeline order).</summary>
    Stage = 1,

    /// <summary>The forecast category in force (stage's or the deal's override).</summary>
    ForecastCategory = 2,

    /// <summary>The region (territory label) of the deal; deals without one form the group <c>(none)</c>.</summary>
    Region = 3,

    /// <summary>The product line; deals without one form the group <c>(none)</c>.</summary>
    ProductLine = 4,

    /// <summary>The calendar month of the expected close date.</summary>
    CloseMonth = 5,

    /// <summary>The fiscal quarter of the expected close date.</summary>
    CloseQuarter = 6,

    /// <summary>The fiscal year of the expected close date.</summary>
    CloseFiscalYear = 7,

    /// <summary>
    /// The product of the deal's line items (<see cref="Pipelines.ProductAmount"/>): a deal counts
    /// under each product it has a line of, with that product's share of its amount and weighted
    /// value (the lines sum to the amount, so the groups add up exactly to the pipeline total);
    /// deals without lines form the group <c>(none)</c>. Not maintained by <see cref="LivePipeline"/>.
    /// </summary>
    Product = 8,
}
