namespace Opportunity.Forecasting;

/// <summary>Selects rows of a <see cref="PipelineSnapshot"/>; null members do not filter.</summary>
public sealed record PipelineFilter
{
    /// <summary>Only deals closing in this period.</summary>
    public ForecastPeriod? Period { get; init; }

    /// <summary>Only this partner's deals.</summary>
    public PartnerId? Partner { get; init; }

    /// <summary>Only deals of this region (exact, case-sensitive).</summary>
    public string? Region { get; init; }

    /// <summary>Only deals of this product line (exact, case-sensitive).</summary>
    public string? ProductLine { get; init; }

    /// <summary>Only won deals (true: their stage is a won stage) or only deals not won (false).</summary>
    public bool? Won { get; init; }

    /// <summary>Only deals in one of these forecast categories.</summary>
    public IReadOnlyCollection<Opportunity.Pipelines.ForecastCategory>? Categories { get; init; }
}
