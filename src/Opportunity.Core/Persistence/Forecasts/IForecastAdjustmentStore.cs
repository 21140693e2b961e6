using Opportunity.Forecasting;

namespace Opportunity.Persistence.Forecasts;

/// <summary>
/// Keeps managers' <see cref="ForecastAdjustment"/>s as a history: every adjustment is appended with
/// its who, when and why, none is replaced or deleted, so the figure a node showed at any time can
/// be told. The roll-up puts the latest per node, period and category in effect (an adjustment without
/// an amount clears the override); <see cref="ForecastAdjustmentStoreExtensions.ComputeRollupAsync"/>
/// computes a roll-up with the stored ones.
/// </summary>
public interface IForecastAdjustmentStore
{
    /// <summary>Appends <paramref name="adjustment"/> to the history of its node, period and category.</summary>
    /// <exception cref="StoreDataException">It cannot be stored faithfully (an amount beyond 64-bit minor units, U+0000 in a text); names the field, nothing written.</exception>
    Task AddAdjustmentAsync(TenantId tenant, ForecastAdjustment adjustment, CancellationToken cancellationToken = default);

    /// <summary>
    /// The adjustments of <paramref name="period"/> (only those of <paramref name="node"/> when given),
    /// in the order they take effect: by <see cref="ForecastAdjustment.At"/>, then in the order they were added.
    /// </summary>
    Task<IReadOnlyList<ForecastAdjustment>> ListAdjustmentsAsync(TenantId tenant, ForecastPeriod period, string? node = null, CancellationToken cancellationToken = default);
}
