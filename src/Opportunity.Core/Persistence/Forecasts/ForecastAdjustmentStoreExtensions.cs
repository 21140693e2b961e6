using NodaTime;
using Opportunity.Forecasting;

namespace Opportunity.Persistence.Forecasts;

/// <summary>The forecast hierarchy roll-up with the adjustments an <see cref="IForecastAdjustmentStore"/> keeps.</summary>
public static class ForecastAdjustmentStoreExtensions
{
    /// <summary>
    /// Rolls <paramref name="snapshot"/> up <paramref name="hierarchy"/> for <paramref name="period"/>
    /// with the tenant's stored adjustments of the period (the latest per node and category in effect),
    /// as <see cref="ForecastHierarchyRollup.Compute"/> does with adjustments passed in.
    /// </summary>
    /// <exception cref="EntityNotFoundException">A stored adjustment names a node not in the period's tree (<see cref="OpportunityErrorCodes.ForecastNodeNotFound"/>).</exception>
    /// <exception cref="CurrencyMismatchException">A stored adjustment is not in <paramref name="currency"/>.</exception>
    public static async Task<ForecastHierarchyRollup> ComputeRollupAsync(
        this IForecastAdjustmentStore store,
        TenantId tenant,
        PipelineSnapshot snapshot,
        ForecastHierarchy hierarchy,
        ForecastPeriod period,
        CurrencyCode currency,
        IExchangeRateProvider? rates = null,
        LocalDate? asOf = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var adjustments = await store.ListAdjustmentsAsync(tenant, period, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ForecastHierarchyRollup.Compute(snapshot, hierarchy, period, currency, adjustments, rates, asOf);
    }
}
