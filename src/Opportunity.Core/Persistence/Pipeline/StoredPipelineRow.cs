using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// One stored opportunity as the weighted pipeline reads it, straight from a store's columns (no
/// document, no aggregate rebuild): the probability and forecast category in force (the override
/// when set, else the stage's default, resolved when the deal was written), the stage's kind, and
/// both dates, so that the engine decides which deals count and which date buckets them
/// (<see cref="Forecasting.PipelineSnapshot.FromStoreAsync"/>).
/// </summary>
/// <param name="Partner">The partner working the deal.</param>
/// <param name="Stage">The stage's name.</param>
/// <param name="Kind">Open, won or lost.</param>
/// <param name="AmountMinorUnits">The amount in minor units (0 to <see cref="Money.MaxDealMinorUnits"/>).</param>
/// <param name="Currency">The amount's currency.</param>
/// <param name="Probability">The probability in force.</param>
/// <param name="Category">The forecast category in force.</param>
/// <param name="ExpectedClose">The expected close date.</param>
/// <param name="ClosedAt">When the deal closed; null while open.</param>
public readonly record struct StoredPipelineRow(
    PartnerId Partner,
    string Stage,
    StageKind Kind,
    long AmountMinorUnits,
    CurrencyCode Currency,
    Probability Probability,
    ForecastCategory Category,
    LocalDate ExpectedClose,
    Instant? ClosedAt)
{
    /// <summary>Region label, or null.</summary>
    public string? Region { get; init; }

    /// <summary>Product line, or null.</summary>
    public string? ProductLine { get; init; }

    /// <summary>The deal's amount per product of its line items (<see cref="ProductAmount.Of"/>); null or empty without lines.</summary>
    public IReadOnlyList<ProductAmount>? Products { get; init; }

    /// <summary>The row of an opportunity (what an adapter stores in its pipeline columns).</summary>
    public static StoredPipelineRow Of(SalesOpportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return new StoredPipelineRow(
            opportunity.Partner,
            opportunity.Stage.Name,
            opportunity.Stage.Kind,
            opportunity.Amount.MinorUnits,
            opportunity.Amount.Currency,
            opportunity.Probability,
            opportunity.ForecastCategory,
            opportunity.ExpectedClose,
            opportunity.ClosedAt)
        {
            Region = opportunity.Region,
            ProductLine = opportunity.ProductLine,
            Products = opportunity.Lines.Count == 0 ? null : ProductAmount.Of(opportunity),
        };
    }
}
