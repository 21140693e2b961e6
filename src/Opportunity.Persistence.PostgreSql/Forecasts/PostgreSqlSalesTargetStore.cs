using System.Runtime.CompilerServices;
using NodaTime;
using Npgsql;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using static Opportunity.Persistence.PostgreSql.ForecastRows;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Sales targets (<see cref="ISalesTargetStore"/>) of a <see cref="PostgreSqlStore"/>: the <c>sales_targets</c> table.</summary>
internal sealed class PostgreSqlSalesTargetStore(PostgreSqlStore db) : ISalesTargetStore
{
    private readonly string _schema = db.SchemaName;

    private const string TargetColumns = "period_kind, period_start, period_end, period_label, partner, region, amount_minor, currency, node";

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
            db,
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
        db.ReadOneAsync(
            DbScope.Of(tenant),
            $"SELECT {TargetColumns} FROM {_schema}.sales_targets WHERE {ScopeKey};",
            ScopeValues(tenant, period, scope, scope.Region ?? string.Empty, scope.Node ?? string.Empty),
            ReadTarget,
            cancellationToken);

    /// <summary>Every target of a period, ordered by partner, then region (code-point order, "all" first).</summary>
    public Task<IReadOnlyList<SalesTarget>> ListTargetsAsync(TenantId tenant, ForecastPeriod period, CancellationToken cancellationToken = default) =>
        db.ReadListAsync(
            DbScope.Of(tenant),
            $"SELECT {TargetColumns} FROM {_schema}.sales_targets WHERE tenant = $1 AND period_start = $2 AND period_end = $3 AND period_kind = $4 AND period_label = $5 ORDER BY partner, region, node;",
            ScopeValues(tenant, period, default, string.Empty, string.Empty)[..5],
            ReadTarget,
            cancellationToken);

    /// <summary>Deletes the target of a period for exactly one scope; false when there was none.</summary>
    public async Task<bool> DeleteTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default)
    {
        var values = ScopeValues(tenant, period, scope, scope.Region ?? string.Empty, scope.Node ?? string.Empty);
        var deleted = await db.RunAsync(
            DbScope.Of(tenant),
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"DELETE FROM {_schema}.sales_targets WHERE {ScopeKey};", values);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

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
}
