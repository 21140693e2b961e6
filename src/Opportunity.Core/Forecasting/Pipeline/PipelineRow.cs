using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// One opportunity as the weighted pipeline sees it, with its probability and forecast category
/// already resolved (the override when set, else the stage's). Pure mode: build these from your
/// own data and hand them to <see cref="PipelineSnapshot.FromRows"/>.
/// </summary>
public readonly record struct PipelineRow
{
    /// <summary>Creates a row.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The amount is negative or too large (above 922,337,203,685,477 minor units).</exception>
    /// <exception cref="ArgumentException">The stage name is empty.</exception>
    public PipelineRow(PartnerId partner, Money amount, string stage, Probability probability, ForecastCategory category, LocalDate closeDate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        if (amount.IsNegative)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Pipeline amounts must not be negative.");
        }

        if (!amount.IsValidDealAmount)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"Pipeline amounts are limited to {Money.MaxDealAmount(amount.Currency)} ({Money.MaxDealMinorUnits} minor units, Money.MaxDealMinorUnits).");
        }

        if (!Enum.IsDefined(category))
        {
            throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown forecast category.");
        }

        Partner = partner;
        Amount = amount;
        Stage = stage.Trim();
        Probability = probability;
        Category = category;
        CloseDate = closeDate;
    }

    /// <summary>The partner working the deal.</summary>
    public PartnerId Partner { get; }

    /// <summary>The amount (not negative).</summary>
    public Money Amount { get; }

    /// <summary>The stage's name.</summary>
    public string Stage { get; }

    /// <summary>The probability in force.</summary>
    public Probability Probability { get; }

    /// <summary>The forecast category in force.</summary>
    public ForecastCategory Category { get; }

    /// <summary>The expected close date (the actual close date for a closed-won deal). The snapshot keeps its month.</summary>
    public LocalDate CloseDate { get; }

    /// <summary>Region label, or null.</summary>
    public string? Region { get; init; }

    /// <summary>Product line, or null.</summary>
    public string? ProductLine { get; init; }

    /// <summary>
    /// The deal's amount per product of its line items (<see cref="ProductAmount.Of"/>), for the
    /// grouping by <see cref="PipelineDimension.Product"/>; null or empty when the deal has no lines.
    /// When given, the amounts must add up to <see cref="Amount"/> (checked when the row is added to a snapshot).
    /// </summary>
    public IReadOnlyList<ProductAmount>? Products { get; init; }

    /// <summary>The exact weighted value, amount × probability.</summary>
    public WeightedValue Weighted => WeightedValue.Of(Amount, Probability);

    /// <summary>A row for a deal in <paramref name="stage"/>, resolving the overrides against the stage's defaults.</summary>
    public static PipelineRow ForStage(PartnerId partner, Money amount, Stage stage, LocalDate closeDate, Probability? probabilityOverride = null, ForecastCategory? categoryOverride = null)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return new PipelineRow(partner, amount, stage.Name, probabilityOverride ?? stage.DefaultProbability, categoryOverride ?? stage.ForecastCategory, closeDate);
    }

    /// <summary>
    /// The row of an opportunity. An open deal uses its expected close date; a closed deal the date
    /// it closed, in <paramref name="zone"/>.
    /// </summary>
    public static PipelineRow FromOpportunity(SalesOpportunity opportunity, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        ArgumentNullException.ThrowIfNull(zone);
        var close = opportunity.ClosedAt is { } closedAt ? closedAt.InZone(zone).Date : opportunity.ExpectedClose;
        return new PipelineRow(opportunity.Partner, opportunity.Amount, opportunity.Stage.Name, opportunity.Probability, opportunity.ForecastCategory, close)
        {
            Region = opportunity.Region,
            ProductLine = opportunity.ProductLine,
            Products = opportunity.Lines.Count == 0 ? null : ProductAmount.Of(opportunity),
        };
    }
}
