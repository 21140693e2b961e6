using System.Runtime.CompilerServices;
using NodaTime;
using Npgsql;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The key columns of a forecast period and scope, the snapshot upsert, and the upsert that names a refused value; shared by the forecast ports.</summary>
internal static class ForecastRows
{
    // $1 tenant, $2..$5 the period, $6 partner, $7 region, $8 node.
    internal const string ScopeKey = "tenant = $1 AND period_start = $2 AND period_end = $3 AND period_kind = $4 AND period_label = $5 AND partner = $6 AND region = $7 AND node = $8";

    /// <summary>The upsert of one forecast snapshot row; its parameters are <see cref="SnapshotValues"/>.</summary>
    internal static string SnapshotUpsert(string schema) => $"""
        INSERT INTO {schema}.forecast_snapshots (tenant, period_start, period_end, period_kind, period_label, partner, region, node, taken_on, currency,
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
    internal static object?[] SnapshotValues(TenantId tenant, ForecastSnapshot snapshot)
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

    internal static object?[] ScopeValues(TenantId tenant, ForecastPeriod period, ForecastScope scope, string region, string node) =>
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

    internal static ForecastPeriod ReadPeriod(NpgsqlDataReader reader) =>
        new((PeriodKind)reader.GetInt16(0), LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(1)), LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(2)), reader.GetString(3));

    // One upsert in the tenant's scope; a constraint the value breaks is named with the entity and id.
    internal static Task<int> UpsertAsync(PostgreSqlStore db, TenantId tenant, string sql, object?[] values, string entity, string id, CancellationToken cancellationToken, [CallerMemberName] string operation = "") =>
        db.RunAsync(
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
