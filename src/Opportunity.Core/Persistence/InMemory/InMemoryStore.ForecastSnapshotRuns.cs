using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;

namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore : IForecastSnapshotRunStore
{
    private readonly Dictionary<(string Tenant, LocalDate TakenOn), ForecastSnapshotRun> _snapshotRuns = [];

    /// <inheritdoc />
    public Task<bool> TryClaimRunAsync(TenantId tenant, LocalDate takenOn, string owner, Instant now, Duration lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        lock (_gate)
        {
            var run = _snapshotRuns.GetValueOrDefault((tenant.Value, takenOn));
            if (run is { CompletedAt: not null } || run?.LeaseUntil > now)
            {
                return Task.FromResult(false);
            }

            _snapshotRuns[(tenant.Value, takenOn)] = new ForecastSnapshotRun(takenOn, owner, now + lease, (run?.Claims ?? 0) + 1, null);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> CompleteRunAsync(TenantId tenant, LocalDate takenOn, string owner, IReadOnlyList<ForecastSnapshot> snapshots, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var storable = snapshots.Select(s => Storable(tenant, s)).ToList();
        lock (_gate)
        {
            if (_snapshotRuns.GetValueOrDefault((tenant.Value, takenOn)) is not { CompletedAt: null } run || run.Owner != owner)
            {
                return Task.FromResult(false);
            }

            _snapshotRuns[(tenant.Value, takenOn)] = run with { CompletedAt = now };
            foreach (var (key, stored) in storable)
            {
                _forecastSnapshots[key] = stored;
            }

            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<ForecastSnapshotRun?> FindRunAsync(TenantId tenant, LocalDate takenOn, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_snapshotRuns.GetValueOrDefault((tenant.Value, takenOn)));
        }
    }
}
