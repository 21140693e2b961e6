using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using static Opportunity.Persistence.PostgreSql.ForecastRows;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Forecast adjustments (<see cref="IForecastAdjustmentStore"/>) of a <see cref="PostgreSqlStore"/>: the append-only <c>forecast_adjustments</c> table.</summary>
internal sealed class PostgreSqlForecastAdjustmentStore(PostgreSqlStore db) : IForecastAdjustmentStore
{
    private readonly string _schema = db.SchemaName;

    private const string AdjustmentColumns = "period_kind, period_start, period_end, period_label, node, category, amount_minor, currency, adjusted_by, at, at_nanos, reason";

    /// <summary>Appends an adjustment to <c>forecast_adjustments</c> (never replaced; the store's role may not update or delete it).</summary>
    /// <exception cref="StoreDataException">It cannot be stored faithfully (NUL in a text included); names the field, nothing written.</exception>
    public Task AddAdjustmentAsync(TenantId tenant, ForecastAdjustment adjustment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        var id = ForecastStoreValues.Id(adjustment);
        var minor = ForecastStoreValues.AdjustmentMinorUnits(adjustment);
        var currency = adjustment.Amount?.Currency.Code;
        var at = PgValues.Floor(adjustment.At);
        object?[] values =
        [
            .. ScopeValues(tenant, adjustment.Period, default, string.Empty, adjustment.Node)[..5],
            adjustment.Node,
            (short)adjustment.Category,
            minor is { } m ? m : DBNull.Value,
            currency is { } c ? c : DBNull.Value,
            adjustment.By,
            at,
            (short)(adjustment.At - PgValues.ToInstant(at)).ToInt64Nanoseconds(),
            adjustment.Reason,
        ];
        return UpsertAsync(
            db,
            tenant,
            $"""
            INSERT INTO {_schema}.forecast_adjustments (tenant, period_start, period_end, period_kind, period_label, node, category, amount_minor, currency, adjusted_by, at, at_nanos, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::bigint, $9::text, $10, $11, $12, $13);
            """,
            values,
            ForecastStoreValues.AdjustmentEntity,
            id,
            cancellationToken);
    }

    /// <summary>The adjustments of a period (of one node when given), by time, then in the order added.</summary>
    public Task<IReadOnlyList<ForecastAdjustment>> ListAdjustmentsAsync(TenantId tenant, ForecastPeriod period, string? node = null, CancellationToken cancellationToken = default) =>
        db.ReadListAsync(
            DbScope.Of(tenant),
            $"SELECT {AdjustmentColumns} FROM {_schema}.forecast_adjustments WHERE tenant = $1 AND period_start = $2 AND period_end = $3 AND period_kind = $4 AND period_label = $5 AND ($6::text IS NULL OR node = $6) ORDER BY at, at_nanos, seq;",
            [.. ScopeValues(tenant, period, default, string.Empty, string.Empty)[..5], node is null ? DBNull.Value : node],
            reader => ForecastStoreValues.Adjustment(
                ReadPeriod(reader),
                reader.GetString(4),
                (ForecastCategory)reader.GetInt16(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8),
                PgValues.ToInstant(reader.GetDateTime(9)) + Duration.FromNanoseconds(reader.GetInt16(10)),
                reader.GetString(11)),
            cancellationToken);
}
