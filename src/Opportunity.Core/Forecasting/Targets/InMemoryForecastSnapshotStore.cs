namespace Opportunity.Forecasting;

/// <summary>A process-local <see cref="IForecastSnapshotStore"/>; thread-safe.</summary>
public sealed class InMemoryForecastSnapshotStore : IForecastSnapshotStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(TenantId, ForecastPeriod, PartnerId?, string?, NodaTime.LocalDate), ForecastSnapshot> _snapshots = [];

    /// <inheritdoc />
    public Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            _snapshots[(tenant, snapshot.Period, snapshot.Partner, snapshot.Region, snapshot.TakenOn)] = snapshot;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, PartnerId? partner = null, string? region = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ForecastSnapshot>>([.. _snapshots
                .Where(kv => kv.Key.Item1 == tenant && kv.Value.Period == period && kv.Value.Partner == partner && kv.Value.Region == region)
                .Select(kv => kv.Value)
                .OrderBy(s => s.TakenOn)]);
        }
    }
}
