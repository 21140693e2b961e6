namespace Opportunity.Forecasting;

/// <summary>Keeps recorded <see cref="ForecastSnapshot"/>s so their accuracy can be measured after the period.</summary>
public interface IForecastSnapshotStore
{
    /// <summary>Records a snapshot (a second snapshot of the same period, scope and date replaces the first).</summary>
    Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The snapshots of a period, oldest first; <paramref name="partner"/> and <paramref name="region"/> select the scope (null: the network-wide ones).</summary>
    Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, PartnerId? partner = null, string? region = null, CancellationToken cancellationToken = default);
}
