using NodaTime;
using Npgsql;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using static Opportunity.Persistence.PostgreSql.ForecastRows;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Scheduled snapshot runs (<see cref="IForecastSnapshotRunStore"/>) of a <see cref="PostgreSqlStore"/>: the leases of <c>forecast_snapshot_runs</c>.</summary>
internal sealed class PostgreSqlForecastSnapshotRunStore(PostgreSqlStore db) : IForecastSnapshotRunStore
{
    private readonly string _schema = db.SchemaName;

    /// <summary>Leases a scheduled snapshot run in <c>forecast_snapshot_runs</c> when it is not done and no other lease runs.</summary>
    public async Task<bool> TryClaimRunAsync(TenantId tenant, LocalDate takenOn, string owner, Instant now, Duration lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        object?[] values = [tenant.Value, PgValues.Of(takenOn), owner, PgValues.Floor(now), PgValues.Floor(now + lease)];
        var claimed = await db.RunAsync(
            DbScope.Of(tenant),
            async (connection, transaction) =>
            {
                // A concurrent insert of the same run waits for the other's commit, then sees its lease: one claim wins.
                using var command = Command(
                    connection,
                    transaction,
                    $"""
                    INSERT INTO {_schema}.forecast_snapshot_runs AS r (tenant, taken_on, owner, lease_until, claims) VALUES ($1, $2, $3, $5, 1)
                    ON CONFLICT (tenant, taken_on) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, claims = r.claims + 1
                    WHERE r.completed_at IS NULL AND r.lease_until <= $4;
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
        var rows = snapshots.Select(s => (Id: ForecastStoreValues.Id(s), Values: SnapshotValues(tenant, s))).ToList();
        var sql = SnapshotUpsert(_schema);
        return await db.RunAsync(
            DbScope.Of(tenant),
            async (connection, transaction) =>
            {
                using (var done = Command(connection, transaction, $"UPDATE {_schema}.forecast_snapshot_runs SET completed_at = $4 WHERE tenant = $1 AND taken_on = $2 AND owner = $3 AND completed_at IS NULL;", [tenant.Value, PgValues.Of(takenOn), owner, PgValues.Floor(now)]))
                {
                    if (await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        return false;
                    }
                }

                foreach (var (id, values) in rows)
                {
                    using var command = Command(connection, transaction, sql, values);
                    try
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
                    {
                        throw ConstraintViolation(ForecastStoreValues.SnapshotEntity, id, ex);
                    }
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run of a date, or null when nobody claimed it.</summary>
    public Task<ForecastSnapshotRun?> FindRunAsync(TenantId tenant, LocalDate takenOn, CancellationToken cancellationToken = default) =>
        db.ReadOneAsync(
            DbScope.Of(tenant),
            $"SELECT taken_on, owner, lease_until, claims, completed_at FROM {_schema}.forecast_snapshot_runs WHERE tenant = $1 AND taken_on = $2;",
            [tenant.Value, PgValues.Of(takenOn)],
            reader => new ForecastSnapshotRun(
                LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(0)),
                reader.GetString(1),
                PgValues.ToInstant(reader.GetDateTime(2)),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : PgValues.ToInstant(reader.GetDateTime(4))),
            cancellationToken);
}
