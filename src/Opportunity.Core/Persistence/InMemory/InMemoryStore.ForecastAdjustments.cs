using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;

namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore : IForecastAdjustmentStore
{
    // Append-only, in the order added; under the store's one lock like every other port.
    private readonly List<(string Tenant, ForecastAdjustment Adjustment)> _adjustments = [];

    /// <inheritdoc />
    public Task AddAdjustmentAsync(TenantId tenant, ForecastAdjustment adjustment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        var minor = ForecastStoreValues.AdjustmentMinorUnits(adjustment);
        var currency = adjustment.Amount?.Currency.Code;
        var stored = ForecastStoreValues.Adjustment(adjustment.Period, adjustment.Node, adjustment.Category, minor, currency, adjustment.By, adjustment.At, adjustment.Reason);
        lock (_gate)
        {
            _adjustments.Add((tenant.Value, stored));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ForecastAdjustment>> ListAdjustmentsAsync(TenantId tenant, ForecastPeriod period, string? node = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // OrderBy is stable: adjustments of one instant stay in the order they were added.
            return Task.FromResult<IReadOnlyList<ForecastAdjustment>>([.. _adjustments
                .Where(a => a.Tenant == tenant.Value && a.Adjustment.Period == period && (node is null || a.Adjustment.Node == node))
                .Select(a => a.Adjustment)
                .OrderBy(a => a.At)]);
        }
    }
}
