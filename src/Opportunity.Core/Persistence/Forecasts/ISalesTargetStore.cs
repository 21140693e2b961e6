using Opportunity.Forecasting;

namespace Opportunity.Persistence.Forecasts;

/// <summary>
/// Keeps <see cref="SalesTarget"/>s (quotas): at most one per tenant, period and scope
/// (<see cref="ForecastScope.Of(SalesTarget)"/>). Compare one with the forecast with
/// <see cref="ForecastVsTarget.Compute"/>.
/// </summary>
public interface ISalesTargetStore
{
    /// <summary>Saves a target; a target of the same period and scope is replaced.</summary>
    /// <exception cref="StoreDataException">The target cannot be stored faithfully (an empty region, an amount beyond 64-bit minor units); names the field, nothing written.</exception>
    Task SaveTargetAsync(TenantId tenant, SalesTarget target, CancellationToken cancellationToken = default);

    /// <summary>The target of <paramref name="period"/> for exactly <paramref name="scope"/>, or null.</summary>
    Task<SalesTarget?> FindTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every target of <paramref name="period"/>, ordered by partner, then region, then node
    /// (code-point order, "all"/"no node" first): the network's target first, then the nodes' and the
    /// regions', then each partner's followed by its targets within regions.
    /// </summary>
    Task<IReadOnlyList<SalesTarget>> ListTargetsAsync(TenantId tenant, ForecastPeriod period, CancellationToken cancellationToken = default);

    /// <summary>Deletes the target of <paramref name="period"/> for exactly <paramref name="scope"/>; false when there was none.</summary>
    Task<bool> DeleteTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default);
}
