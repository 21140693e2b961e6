using Microsoft.Data.Sqlite;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The forecast adjustments of a <see cref="SqliteStore"/>: append-only <c>forecast_adjustments</c>.</summary>
internal sealed class SqliteForecastAdjustmentStore(SqliteStore store) : IForecastAdjustmentStore
{
    private const string AdjustmentColumns = "period_kind, period_start, period_end, period_label, node, category, amount_minor, currency, adjusted_by, at, reason";

    /// <summary>Appends an adjustment to <c>forecast_adjustments</c> (never replaced).</summary>
    /// <exception cref="StoreDataException">It cannot be stored faithfully; names the field, nothing written.</exception>
    public Task AddAdjustmentAsync(TenantId tenant, ForecastAdjustment adjustment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        var id = ForecastStoreValues.Id(adjustment);
        var minor = ForecastStoreValues.AdjustmentMinorUnits(adjustment);
        var currency = adjustment.Amount?.Currency.Code;
        (string, object?)[] values =
        [
            .. ForecastRows.PeriodValues(tenant, adjustment.Period),
            ("$node", adjustment.Node),
            ("$category", (int)adjustment.Category),
            ("$amount", minor is { } m ? m : DBNull.Value),
            ("$currency", currency is { } c ? c : DBNull.Value),
            ("$by", adjustment.By),
            ("$at", SqliteText.Of(adjustment.At, ForecastStoreValues.AdjustmentEntity, id, nameof(adjustment.At))),
            ("$reason", adjustment.Reason),
        ];
        return store.WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    transaction,
                    $"INSERT INTO forecast_adjustments (tenant, {AdjustmentColumns}) VALUES ($tenant, $kind, $start, $end, $label, $node, $category, $amount, $currency, $by, $at, $reason);",
                    values);
                try
                {
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                {
                    throw ConstraintViolation(ForecastStoreValues.AdjustmentEntity, id, ex);
                }
            },
            cancellationToken);
    }

    /// <summary>The adjustments of a period (of one node when given), by time, then in the order added.</summary>
    public Task<IReadOnlyList<ForecastAdjustment>> ListAdjustmentsAsync(TenantId tenant, ForecastPeriod period, string? node = null, CancellationToken cancellationToken = default) =>
        store.ReadListAsync(
            $"SELECT {AdjustmentColumns} FROM forecast_adjustments WHERE {ForecastRows.PeriodKey} AND ($node IS NULL OR node = $node) ORDER BY at, seq;",
            [.. ForecastRows.PeriodValues(tenant, period), ("$node", node is null ? DBNull.Value : node)],
            reader => ForecastStoreValues.Adjustment(
                ForecastRows.ReadPeriod(reader),
                reader.GetString(4),
                (ForecastCategory)reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8),
                SqliteText.ToInstant(reader.GetString(9)),
                reader.GetString(10)),
            cancellationToken);
}
