using NodaTime;

namespace Opportunity.Persistence.Forecasts;

/// <summary>A scheduled snapshot run as an <see cref="IForecastSnapshotRunStore"/> keeps it.</summary>
/// <param name="TakenOn">The date the snapshots are taken on (their <c>TakenOn</c>), the run's key within the tenant.</param>
/// <param name="Owner">The host that claimed it last.</param>
/// <param name="LeaseUntil">When that claim's lease ends.</param>
/// <param name="Claims">How many times it was claimed (more than one after a host lost its lease, e.g. crashed).</param>
/// <param name="CompletedAt">When its snapshots were saved; null while not done.</param>
public sealed record ForecastSnapshotRun(LocalDate TakenOn, string Owner, Instant LeaseUntil, int Claims, Instant? CompletedAt);
