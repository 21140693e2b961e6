using Opportunity.Forecasting;

namespace Opportunity.Persistence.Forecasts;

/// <summary>
/// Keeps recorded <see cref="ForecastSnapshot"/>s so their accuracy can be measured after the period
/// (<see cref="ForecastAccuracy"/>). A snapshot is keyed by tenant, period, scope
/// (<see cref="ForecastScope.Of(ForecastSnapshot)"/>) and the date it was taken.
/// </summary>
public interface IForecastSnapshotStore
{
    /// <summary>Records a snapshot; a second snapshot of the same period, scope and date replaces the first.</summary>
    /// <exception cref="StoreDataException">The snapshot cannot be stored faithfully (an amount in another currency than <see cref="ForecastSnapshot.Currency"/>, an empty region); names the field, nothing written.</exception>
    Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The snapshots of <paramref name="period"/> for exactly <paramref name="scope"/> (default: the network-wide ones), oldest first.</summary>
    Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default);
}
