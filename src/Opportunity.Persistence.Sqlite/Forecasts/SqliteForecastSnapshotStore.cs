using NodaTime.Text;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The forecast snapshots of a <see cref="SqliteStore"/>: <c>forecast_snapshots</c>, one per period, scope and date.</summary>
internal sealed class SqliteForecastSnapshotStore(SqliteStore store) : IForecastSnapshotStore
{
    /// <summary>Records a snapshot in <c>forecast_snapshots</c>; one of the same period, scope and date is replaced.</summary>
    /// <exception cref="StoreDataException">The snapshot cannot be stored faithfully; names the field, nothing written.</exception>
    public Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var values = ForecastRows.SnapshotValues(tenant, snapshot);
        return store.WriteAsync((connection, transaction) => ForecastRows.SaveSnapshotAsync(connection, transaction, values, cancellationToken), cancellationToken);
    }

    /// <summary>The snapshots of a period for exactly one scope, oldest first.</summary>
    public Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) =>
        store.ReadListAsync(
            $"SELECT {ForecastRows.SnapshotColumns} FROM forecast_snapshots WHERE {ForecastRows.PeriodKey} AND partner = $partner AND region = $region AND node = $node ORDER BY taken_on;",
            [.. ForecastRows.PeriodValues(tenant, period), ("$partner", ForecastStoreValues.PartnerKey(scope)), ("$region", scope.Region ?? string.Empty), ("$node", scope.Node ?? string.Empty)],
            ForecastRows.ReadSnapshot,
            cancellationToken);
}
