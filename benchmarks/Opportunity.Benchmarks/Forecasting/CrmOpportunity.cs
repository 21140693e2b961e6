namespace Opportunity.Benchmarks.Forecasting;

/// <summary>What a CRM developer holds per opportunity: a plain class with strings and decimals.</summary>
public sealed class CrmOpportunity
{
    public required string Id { get; init; }

    public required string PartnerId { get; init; }

    public required string Stage { get; init; }

    public required string Currency { get; init; }

    public required decimal Amount { get; init; }

    public required decimal Probability { get; init; }

    public required string ForecastCategory { get; init; }

    public required DateOnly ExpectedClose { get; init; }

    public string? Region { get; init; }

    public string? ProductLine { get; init; }
}
