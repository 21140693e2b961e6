using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The scheduled snapshot runs of a <see cref="SqliteStore"/>: leased runs in <c>forecast_snapshot_runs</c>, completed with their snapshots in one transaction.</summary>
internal sealed class SqliteForecastSnapshotRunStore(SqliteStore store) : IForecastSnapshotRunStore
{
    private const string RunEntity = nameof(ForecastSnapshotRun);

    /// <summary>Leases a scheduled snapshot run in <c>forecast_snapshot_runs</c> when it is not done and no other lease runs.</summary>
    public async Task<bool> TryClaimRunAsync(TenantId tenant, LocalDate takenOn, string owner, Instant now, Duration lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var id = SqliteText.Of(takenOn);
        (string, object?)[] values =
        [
            ("$tenant", tenant.Value),
            ("$takenOn", id),
            ("$owner", owner),
            ("$now", SqliteText.Of(now, RunEntity, id, "Now")),
            ("$until", SqliteText.Of(now + lease, RunEntity, id, "LeaseUntil")),
        ];
        var claimed = await store.WriteAsync(
            async (connection, transaction) =>
            {
                // One writer at a time: the insert or the conditional update decides, atomically.
                using var command = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO forecast_snapshot_runs (tenant, taken_on, owner, lease_until, claims) VALUES ($tenant, $takenOn, $owner, $until, 1)
                    ON CONFLICT (tenant, taken_on) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, claims = claims + 1
                    WHERE completed_at IS NULL AND lease_until <= $now;
                    """,
                    values);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return claimed == 1;
    }

    /// <summary>Saves the run's snapshots and marks it done in one transaction while <paramref name="owner"/> holds it; otherwise writes nothing.</summary>
    /// <exception cref="StoreDataException">A snapshot cannot be stored faithfully; names the field, nothing written.</exception>
    public async Task<bool> CompleteRunAsync(TenantId tenant, LocalDate takenOn, string owner, IReadOnlyList<ForecastSnapshot> snapshots, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var id = SqliteText.Of(takenOn);
        var rows = snapshots.Select(s => ForecastRows.SnapshotValues(tenant, s)).ToList();
        (string, object?)[] values = [("$tenant", tenant.Value), ("$takenOn", id), ("$owner", owner), ("$now", SqliteText.Of(now, RunEntity, id, "CompletedAt"))];
        return await store.WriteAsync(
            async (connection, transaction) =>
            {
                using (var done = Command(connection, transaction, "UPDATE forecast_snapshot_runs SET completed_at = $now WHERE tenant = $tenant AND taken_on = $takenOn AND owner = $owner AND completed_at IS NULL;", values))
                {
                    if (await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        return false;
                    }
                }

                foreach (var row in rows)
                {
                    await ForecastRows.SaveSnapshotAsync(connection, transaction, row, cancellationToken).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run of a date, or null when nobody claimed it.</summary>
    public Task<ForecastSnapshotRun?> FindRunAsync(TenantId tenant, LocalDate takenOn, CancellationToken cancellationToken = default) =>
        store.ReadOneAsync(
            "SELECT taken_on, owner, lease_until, claims, completed_at FROM forecast_snapshot_runs WHERE tenant = $tenant AND taken_on = $takenOn;",
            [("$tenant", tenant.Value), ("$takenOn", SqliteText.Of(takenOn))],
            reader => new ForecastSnapshotRun(
                ForecastRows.ReadDate(reader, 0),
                reader.GetString(1),
                SqliteText.ToInstant(reader.GetString(2)),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : SqliteText.ToInstant(reader.GetString(4))),
            cancellationToken);
}
