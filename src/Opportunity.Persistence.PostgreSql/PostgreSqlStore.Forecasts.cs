using System.Runtime.CompilerServices;
using NodaTime;
using Npgsql;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore : IForecastSnapshotStore, ISalesTargetStore
{
    // $1 tenant, $2..$5 the period, $6 partner, $7 region, $8 node.
    private const string ScopeKey = "tenant = $1 AND period_start = $2 AND period_end = $3 AND period_kind = $4 AND period_label = $5 AND partner = $6 AND region = $7 AND node = $8";

    private const string SnapshotColumns = "period_kind, period_start, period_end, period_label, partner, region, taken_on, currency, expected_minor, p10_minor, p50_minor, p90_minor, commit_minor, best_case_minor, category_pipeline_minor, category_best_case_minor, category_commit_minor, category_closed_minor, category_omitted_minor, node";

    private const string TargetColumns = "period_kind, period_start, period_end, period_label, partner, region, amount_minor, currency, node";

    /// <summary>Records a snapshot in <c>forecast_snapshots</c>; one of the same period, scope and date is replaced.</summary>
    /// <exception cref="StoreDataException">The snapshot cannot be stored faithfully (NUL in a text included); names the field, nothing written.</exception>
    public Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return UpsertAsync(tenant, SnapshotUpsert, SnapshotValues(tenant, snapshot), ForecastStoreValues.SnapshotEntity, ForecastStoreValues.Id(snapshot), cancellationToken);
    }

    private string SnapshotUpsert => $"""
        INSERT INTO {_schema}.forecast_snapshots (tenant, period_start, period_end, period_kind, period_label, partner, region, node, taken_on, currency,
            expected_minor, p10_minor, p50_minor, p90_minor, commit_minor, best_case_minor,
            category_pipeline_minor, category_best_case_minor, category_commit_minor, category_closed_minor, category_omitted_minor)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::bigint, $18::bigint, $19::bigint, $20::bigint, $21::bigint)
        ON CONFLICT (tenant, period_start, period_end, period_kind, period_label, partner, region, node, taken_on) DO UPDATE SET
            currency = excluded.currency, expected_minor = excluded.expected_minor, p10_minor = excluded.p10_minor,
            p50_minor = excluded.p50_minor, p90_minor = excluded.p90_minor, commit_minor = excluded.commit_minor,
            best_case_minor = excluded.best_case_minor, category_pipeline_minor = excluded.category_pipeline_minor,
            category_best_case_minor = excluded.category_best_case_minor, category_commit_minor = excluded.category_commit_minor,
            category_closed_minor = excluded.category_closed_minor, category_omitted_minor = excluded.category_omitted_minor;
        """;

    // A snapshot's parameters of SnapshotUpsert, checked (StoreDataException) before anything is written.
    private static object?[] SnapshotValues(TenantId tenant, ForecastSnapshot snapshot)
    {
        var id = ForecastStoreValues.Id(snapshot);
        var scope = ForecastScope.Of(snapshot);
        var key = ScopeValues(tenant, ForecastStoreValues.Period(snapshot.Period, ForecastStoreValues.SnapshotEntity, id), scope, ForecastStoreValues.RegionKey(scope, ForecastStoreValues.SnapshotEntity, id), ForecastStoreValues.NodeKey(scope, ForecastStoreValues.SnapshotEntity, id));
        return
        [
            .. key,
            PgValues.Of(snapshot.TakenOn),
            snapshot.Currency.Code,
            .. ForecastStoreValues.AmountMinorUnits(snapshot).Cast<object?>(),
            .. ForecastStoreValues.CategoryMinorUnits(snapshot).Cast<object?>(),
        ];
    }

    /// <summary>The snapshots of a period for exactly one scope, oldest first.</summary>
    public Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) =>
        ReadListAsync(
            DbScope.Of(tenant),
            $"SELECT {SnapshotColumns} FROM {_schema}.forecast_snapshots WHERE {ScopeKey} ORDER BY taken_on;",
            ScopeValues(tenant, period, scope, scope.Region ?? string.Empty, scope.Node ?? string.Empty),
            ReadSnapshot,
            cancellationToken);

    /// <summary>Saves a target in <c>sales_targets</c>; one of the same period and scope is replaced.</summary>
    /// <exception cref="StoreDataException">The target cannot be stored faithfully (NUL in a text included); names the field, nothing written.</exception>
    public Task SaveTargetAsync(TenantId tenant, SalesTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var scope = ForecastScope.Of(target);
        var id = ForecastStoreValues.Id(target.Period, scope);
        object?[] values =
        [
            .. ScopeValues(tenant, ForecastStoreValues.Period(target.Period, ForecastStoreValues.TargetEntity, id), scope, ForecastStoreValues.RegionKey(scope, ForecastStoreValues.TargetEntity, id), ForecastStoreValues.NodeKey(scope, ForecastStoreValues.TargetEntity, id)),
            ForecastStoreValues.MinorUnits(target.Amount, target.Amount.Currency, ForecastStoreValues.TargetEntity, id, nameof(target.Amount)),
            target.Amount.Currency.Code,
        ];
        return UpsertAsync(
            tenant,
            $"""
            INSERT INTO {_schema}.sales_targets (tenant, period_start, period_end, period_kind, period_label, partner, region, node, amount_minor, currency)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (tenant, period_start, period_end, period_kind, period_label, partner, region, node) DO UPDATE SET
                amount_minor = excluded.amount_minor, currency = excluded.currency;
            """,
            values,
            ForecastStoreValues.TargetEntity,
            id,
            cancellationToken);
    }

    /// <summary>The target of a period for exactly one scope, or null.</summary>
    public Task<SalesTarget?> FindTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) =>
        ReadOneAsync(
            DbScope.Of(tenant),
            $"SELECT {TargetColumns} FROM {_schema}.sales_targets WHERE {ScopeKey};",
            ScopeValues(tenant, period, scope, scope.Region ?? string.Empty, scope.Node ?? string.Empty),
            ReadTarget,
            cancellationToken);

    /// <summary>Every target of a period, ordered by partner, then region (code-point order, "all" first).</summary>
    public Task<IReadOnlyList<SalesTarget>> ListTargetsAsync(TenantId tenant, ForecastPeriod period, CancellationToken cancellationToken = default) =>
        ReadListAsync(
            DbScope.Of(tenant),
            $"SELECT {TargetColumns} FROM {_schema}.sales_targets WHERE tenant = $1 AND period_start = $2 AND period_end = $3 AND period_kind = $4 AND period_label = $5 ORDER BY partner, region, node;",
            ScopeValues(tenant, period, default, string.Empty, string.Empty)[..5],
            ReadTarget,
            cancellationToken);

    /// <summary>Deletes the target of a period for exactly one scope; false when there was none.</summary>
    public async Task<bool> DeleteTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default)
    {
        var values = ScopeValues(tenant, period, scope, scope.Region ?? string.Empty, scope.Node ?? string.Empty);
        var deleted = await RunAsync(
            DbScope.Of(tenant),
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"DELETE FROM {_schema}.sales_targets WHERE {ScopeKey};", values);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    private static object?[] ScopeValues(TenantId tenant, ForecastPeriod period, ForecastScope scope, string region, string node) =>
    [
        tenant.Value,
        PgValues.Of(period.Start),
        PgValues.Of(period.End),
        (short)period.Kind,
        period.Label ?? string.Empty,
        ForecastStoreValues.PartnerKey(scope),
        region,
        node,
    ];

    private static ForecastPeriod ReadPeriod(NpgsqlDataReader reader) =>
        new((PeriodKind)reader.GetInt16(0), LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(1)), LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(2)), reader.GetString(3));

    private static ForecastSnapshot ReadSnapshot(NpgsqlDataReader reader) =>
        ForecastStoreValues.Snapshot(
            ReadPeriod(reader),
            ForecastStoreValues.Scope(reader.GetString(4), reader.GetString(5), reader.GetString(19)),
            LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(6)),
            new CurrencyCode(reader.GetString(7)),
            [.. Enumerable.Range(8, 6).Select(reader.GetInt64)],
            [.. Enumerable.Range(14, 5).Select(i => reader.IsDBNull(i) ? (long?)null : reader.GetInt64(i))]);

    private static SalesTarget ReadTarget(NpgsqlDataReader reader)
    {
        var scope = ForecastStoreValues.Scope(reader.GetString(4), reader.GetString(5), reader.GetString(8));
        return new SalesTarget(ReadPeriod(reader), Money.FromMinorUnits(reader.GetInt64(6), new CurrencyCode(reader.GetString(7))))
        {
            Partner = scope.Partner,
            Region = scope.Region,
            Node = scope.Node,
        };
    }

    // One upsert in the tenant's scope; a constraint the value breaks is named with the entity and id.
    private Task<int> UpsertAsync(TenantId tenant, string sql, object?[] values, string entity, string id, CancellationToken cancellationToken, [CallerMemberName] string operation = "") =>
        RunAsync(
            DbScope.Of(tenant),
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, sql, values);
                try
                {
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
                {
                    throw ConstraintViolation(entity, id, ex);
                }
            },
            cancellationToken,
            operation: operation);
}
