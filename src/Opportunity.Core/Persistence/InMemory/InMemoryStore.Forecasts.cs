using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;

namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore : IForecastSnapshotStore, ISalesTargetStore
{
    // Keyed by the stored key columns (ForecastStoreValues), so the same values are refused and
    // told apart as in the SQL adapters. Under the store's one lock like every other port.
    private readonly Dictionary<(string Tenant, ForecastPeriod Period, string Partner, string Region, string Node, LocalDate TakenOn), ForecastSnapshot> _forecastSnapshots = [];
    private readonly Dictionary<(string Tenant, ForecastPeriod Period, string Partner, string Region, string Node), SalesTarget> _targets = [];

    /// <inheritdoc />
    public Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var (key, stored) = Storable(tenant, snapshot);
        lock (_gate)
        {
            _forecastSnapshots[key] = stored;
        }

        return Task.CompletedTask;
    }

    // The snapshot's key and the snapshot as the SQL adapters read it back (checked the same way, no shared dictionary).
    private static ((string, ForecastPeriod, string, string, string, LocalDate) Key, ForecastSnapshot Stored) Storable(TenantId tenant, ForecastSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var id = ForecastStoreValues.Id(snapshot);
        var key = (tenant.Value, ForecastStoreValues.Period(snapshot.Period, ForecastStoreValues.SnapshotEntity, id), ForecastStoreValues.PartnerKey(ForecastScope.Of(snapshot)), ForecastStoreValues.RegionKey(ForecastScope.Of(snapshot), ForecastStoreValues.SnapshotEntity, id), ForecastStoreValues.NodeKey(ForecastScope.Of(snapshot), ForecastStoreValues.SnapshotEntity, id), snapshot.TakenOn);
        return (key, ForecastStoreValues.Snapshot(snapshot.Period, ForecastScope.Of(snapshot), snapshot.TakenOn, snapshot.Currency, ForecastStoreValues.AmountMinorUnits(snapshot), ForecastStoreValues.CategoryMinorUnits(snapshot)));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default)
    {
        var partner = ForecastStoreValues.PartnerKey(scope);
        var region = scope.Region ?? string.Empty;
        var node = scope.Node ?? string.Empty;
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ForecastSnapshot>>([.. _forecastSnapshots
                .Where(kv => kv.Key.Tenant == tenant.Value && kv.Key.Period == period && kv.Key.Partner == partner && kv.Key.Region == region && kv.Key.Node == node)
                .OrderBy(kv => kv.Key.TakenOn)
                .Select(kv => kv.Value)]);
        }
    }

    /// <inheritdoc />
    public Task SaveTargetAsync(TenantId tenant, SalesTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var scope = ForecastScope.Of(target);
        var id = ForecastStoreValues.Id(target.Period, scope);
        var key = (tenant.Value, ForecastStoreValues.Period(target.Period, ForecastStoreValues.TargetEntity, id), ForecastStoreValues.PartnerKey(scope), ForecastStoreValues.RegionKey(scope, ForecastStoreValues.TargetEntity, id), ForecastStoreValues.NodeKey(scope, ForecastStoreValues.TargetEntity, id));
        ForecastStoreValues.MinorUnits(target.Amount, target.Amount.Currency, ForecastStoreValues.TargetEntity, id, nameof(SalesTarget.Amount));
        lock (_gate)
        {
            _targets[key] = target;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SalesTarget?> FindTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_targets.GetValueOrDefault(TargetKey(tenant, period, scope)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SalesTarget>> ListTargetsAsync(TenantId tenant, ForecastPeriod period, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<SalesTarget>>([.. _targets
                .Where(kv => kv.Key.Tenant == tenant.Value && kv.Key.Period == period)
                .OrderBy(kv => kv.Key.Partner, CodePointComparer.Instance)
                .ThenBy(kv => kv.Key.Region, CodePointComparer.Instance)
                .ThenBy(kv => kv.Key.Node, CodePointComparer.Instance)
                .Select(kv => kv.Value)]);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_targets.Remove(TargetKey(tenant, period, scope)));
        }
    }

    private static (string, ForecastPeriod, string, string, string) TargetKey(TenantId tenant, ForecastPeriod period, ForecastScope scope) =>
        (tenant.Value, period, ForecastStoreValues.PartnerKey(scope), scope.Region ?? string.Empty, scope.Node ?? string.Empty);
}
