using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// One node of a <see cref="ForecastHierarchyRollup"/>: its deals' figures per forecast category
/// (unadjusted, <see cref="Categories"/>), the forecast per category after adjustments
/// (<see cref="Forecast"/>) and the cumulative views (Salesforce's Closed, Commit forecast and
/// Best-case forecast) from the adjusted figures. Every figure is converted and rounded once from
/// exact sums, so without adjustments a node's amounts in one currency are the exact sum of its
/// children's.
/// </summary>
public sealed record ForecastNodeRollup
{
    /// <summary>The node's path (<see cref="ForecastNodePath"/>).</summary>
    public required string Path { get; init; }

    /// <summary>The node's level: the root's name, a level's name, or <c>partner</c>.</summary>
    public required string Level { get; init; }

    /// <summary>The node's key at its level (the region, the channel manager, the partner id…); the root's name for the root.</summary>
    public required string Key { get; init; }

    /// <summary>The parent's path; null for the root.</summary>
    public string? Parent { get; init; }

    /// <summary>The children's paths, in the order their first deal was met.</summary>
    public required IReadOnlyList<string> Children { get; init; }

    /// <summary>The reporting currency.</summary>
    public required CurrencyCode Currency { get; init; }

    /// <summary>The node's deals per category before adjustments: count, amount, weighted amount (all five, zero when empty).</summary>
    public required IReadOnlyList<ForecastCategoryLine> Categories { get; init; }

    /// <summary>The forecast per category after adjustments (at this node or below).</summary>
    public required IReadOnlyDictionary<ForecastCategory, Money> Forecast { get; init; }

    /// <summary>The adjustments in effect at this node (one per adjusted category).</summary>
    public required IReadOnlyList<ForecastAdjustment> Adjustments { get; init; }

    /// <summary>Closed (won) after adjustments.</summary>
    public required Money Closed { get; init; }

    /// <summary>Closed + Commit after adjustments.</summary>
    public required Money CommitForecast { get; init; }

    /// <summary>Closed + Commit + Best case after adjustments.</summary>
    public required Money BestCaseForecast { get; init; }

    /// <summary>Open pipeline after adjustments: Commit + Best case + Pipeline.</summary>
    public required Money OpenPipeline { get; init; }

    /// <summary>Open weighted pipeline of the deals (Commit + Best case + Pipeline, unadjusted: adjustments set amounts, not probabilities).</summary>
    public required Money OpenWeighted { get; init; }

    /// <summary>What was actually won: the Closed amount of the deals, unadjusted (the actual for <see cref="ForecastAccuracy.Evaluate"/>).</summary>
    public Money Won => Categories[(int)ForecastCategory.Closed].Amount;
}
