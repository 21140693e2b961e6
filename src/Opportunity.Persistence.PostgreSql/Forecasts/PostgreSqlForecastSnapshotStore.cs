using System.Runtime.CompilerServices;
using NodaTime;
using Npgsql;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using static Opportunity.Persistence.PostgreSql.ForecastRows;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Forecast snapshots (<see cref="IForecastSnapshotStore"/>) of a <see cref="PostgreSqlStore"/>: the <c>forecast_snapshots</c> table.</summary>
internal sealed class PostgreSqlForecastSnapshotStore(PostgreSqlStore db) : IForecastSnapshotStore
{
    private readonly string _schema = db.SchemaName;

    private const string SnapshotColumns = "period_kind, period_start, period_end, period_label, partner, region, taken_on, currency, expected_minor, p10_minor, p50_minor, p90_minor, commit_minor, best_case_minor, category_pipeline_minor, category_best_case_minor, category_commit_minor, category_closed_minor, category_omitted_minor, node";

    /// <summary>Records a snapshot in <c>forecast_snapshots</c>; one of the same period, scope and date is replaced.</summary>
    /// <exception cref="StoreDataException">The snapshot cannot be stored faithfully (NUL in a text included); names the field, nothing written.</exception>
    public Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return UpsertAsync(db, tenant, SnapshotUpsert(_schema), SnapshotValues(tenant, snapshot), ForecastStoreValues.SnapshotEntity, ForecastStoreValues.Id(snapshot), cancellationToken);
    }

    /// <summary>The snapshots of a period for exactly one scope, oldest first.</summary>
    public Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) =>
        db.ReadListAsync(
            DbScope.Of(tenant),
            $"SELECT {SnapshotColumns} FROM {_schema}.forecast_snapshots WHERE {ScopeKey} ORDER BY taken_on;",
            ScopeValues(tenant, period, scope, scope.Region ?? string.Empty, scope.Node ?? string.Empty),
            ReadSnapshot,
            cancellationToken);

    private static ForecastSnapshot ReadSnapshot(NpgsqlDataReader reader) =>
        ForecastStoreValues.Snapshot(
            ReadPeriod(reader),
            ForecastStoreValues.Scope(reader.GetString(4), reader.GetString(5), reader.GetString(19)),
            LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(6)),
            new CurrencyCode(reader.GetString(7)),
            [.. Enumerable.Range(8, 6).Select(reader.GetInt64)],
            [.. Enumerable.Range(14, 5).Select(i => reader.IsDBNull(i) ? (long?)null : reader.GetInt64(i))]);
}
