using NodaTime;
using Opportunity.Forecasting;

namespace Opportunity.Persistence.Forecasts;

/// <summary>
/// The scheduled node snapshots of a tenant's forecast tree, one run per tenant and date taken, claimed
/// so that each is taken once however many hosts run the schedule: a host leases the run, takes the
/// snapshots and saves them in the same transaction that marks the run done, and only while the lease
/// is still its own. A host that crashes between claim and save leaves the run to the next claim after
/// its lease; a host whose lease went to another cannot save.
/// </summary>
public interface IForecastSnapshotRunStore
{
    /// <summary>
    /// Leases the run of <paramref name="takenOn"/> to <paramref name="owner"/> until
    /// <paramref name="now"/> + <paramref name="lease"/> when it is not done and nobody else's lease is running.
    /// </summary>
    /// <returns>True when the run is now <paramref name="owner"/>'s to take.</returns>
    Task<bool> TryClaimRunAsync(TenantId tenant, LocalDate takenOn, string owner, Instant now, Duration lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves <paramref name="snapshots"/> (as <see cref="IForecastSnapshotStore.SaveAsync"/>) and marks the run
    /// done at <paramref name="now"/>, in one transaction, when <paramref name="owner"/> still holds it;
    /// otherwise writes nothing.
    /// </summary>
    /// <returns>False when the run is done or another host's: nothing was written.</returns>
    /// <exception cref="StoreDataException">A snapshot cannot be stored faithfully; names the field, nothing written.</exception>
    Task<bool> CompleteRunAsync(TenantId tenant, LocalDate takenOn, string owner, IReadOnlyList<ForecastSnapshot> snapshots, Instant now, CancellationToken cancellationToken = default);

    /// <summary>The run of <paramref name="takenOn"/>, or null when nobody claimed it.</summary>
    Task<ForecastSnapshotRun?> FindRunAsync(TenantId tenant, LocalDate takenOn, CancellationToken cancellationToken = default);
}
