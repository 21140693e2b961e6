using Microsoft.Data.Sqlite;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The sales targets of a <see cref="SqliteStore"/>: one target per period and scope in <c>sales_targets</c>.</summary>
internal sealed class SqliteSalesTargetStore(SqliteStore store) : ISalesTargetStore
{
    private const string TargetColumns = "period_kind, period_start, period_end, period_label, partner, region, amount_minor, currency, node";

    /// <summary>Saves a target in <c>sales_targets</c>; one of the same period and scope is replaced.</summary>
    /// <exception cref="StoreDataException">The target cannot be stored faithfully; names the field, nothing written.</exception>
    public Task SaveTargetAsync(TenantId tenant, SalesTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var scope = ForecastScope.Of(target);
        var id = ForecastStoreValues.Id(target.Period, scope);
        (string, object?)[] values =
        [
            .. ForecastRows.PeriodValues(tenant, ForecastStoreValues.Period(target.Period, ForecastStoreValues.TargetEntity, id)),
            ("$partner", ForecastStoreValues.PartnerKey(scope)),
            ("$region", ForecastStoreValues.RegionKey(scope, ForecastStoreValues.TargetEntity, id)),
            ("$node", ForecastStoreValues.NodeKey(scope, ForecastStoreValues.TargetEntity, id)),
            ("$amount", ForecastStoreValues.MinorUnits(target.Amount, target.Amount.Currency, ForecastStoreValues.TargetEntity, id, nameof(target.Amount))),
            ("$currency", target.Amount.Currency.Code),
        ];
        return store.WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    transaction,
                    $"""
                    INSERT INTO sales_targets (tenant, {TargetColumns}) VALUES ($tenant, $kind, $start, $end, $label, $partner, $region, $amount, $currency, $node)
                    ON CONFLICT (tenant, period_start, period_end, period_kind, period_label, partner, region, node) DO UPDATE SET
                        amount_minor = excluded.amount_minor, currency = excluded.currency;
                    """,
                    values);
                try
                {
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                {
                    throw ConstraintViolation(ForecastStoreValues.TargetEntity, id, ex);
                }
            },
            cancellationToken);
    }

    /// <summary>The target of a period for exactly one scope, or null.</summary>
    public Task<SalesTarget?> FindTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) =>
        store.ReadOneAsync(
            $"SELECT {TargetColumns} FROM sales_targets WHERE {ForecastRows.PeriodKey} AND partner = $partner AND region = $region AND node = $node;",
            [.. ForecastRows.PeriodValues(tenant, period), ("$partner", ForecastStoreValues.PartnerKey(scope)), ("$region", scope.Region ?? string.Empty), ("$node", scope.Node ?? string.Empty)],
            ReadTarget,
            cancellationToken);

    /// <summary>Every target of a period, ordered by partner, then region (code-point order, "all" first).</summary>
    public Task<IReadOnlyList<SalesTarget>> ListTargetsAsync(TenantId tenant, ForecastPeriod period, CancellationToken cancellationToken = default) =>
        store.ReadListAsync(
            $"SELECT {TargetColumns} FROM sales_targets WHERE {ForecastRows.PeriodKey} ORDER BY partner, region, node;",
            ForecastRows.PeriodValues(tenant, period),
            ReadTarget,
            cancellationToken);

    /// <summary>Deletes the target of a period for exactly one scope; false when there was none.</summary>
    public async Task<bool> DeleteTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default)
    {
        (string, object?)[] values = [.. ForecastRows.PeriodValues(tenant, period), ("$partner", ForecastStoreValues.PartnerKey(scope)), ("$region", scope.Region ?? string.Empty), ("$node", scope.Node ?? string.Empty)];
        var deleted = await store.WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"DELETE FROM sales_targets WHERE {ForecastRows.PeriodKey} AND partner = $partner AND region = $region AND node = $node;", values);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    private static SalesTarget ReadTarget(SqliteDataReader reader)
    {
        var scope = ForecastStoreValues.Scope(reader.GetString(4), reader.GetString(5), reader.GetString(8));
        return new SalesTarget(ForecastRows.ReadPeriod(reader), Money.FromMinorUnits(reader.GetInt64(6), new CurrencyCode(reader.GetString(7))))
        {
            Partner = scope.Partner,
            Region = scope.Region,
            Node = scope.Node,
        };
    }
}
