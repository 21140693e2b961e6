using Microsoft.Data.Sqlite;
using NodaTime.Text;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore : IForecastSnapshotStore, ISalesTargetStore
{
    private const string PeriodKey = "tenant = $tenant AND period_start = $start AND period_end = $end AND period_kind = $kind AND period_label = $label";

    private const string SnapshotColumns = "period_kind, period_start, period_end, period_label, partner, region, taken_on, currency, expected_minor, p10_minor, p50_minor, p90_minor, commit_minor, best_case_minor, category_pipeline_minor, category_best_case_minor, category_commit_minor, category_closed_minor, category_omitted_minor, node";

    private const string TargetColumns = "period_kind, period_start, period_end, period_label, partner, region, amount_minor, currency, node";

    /// <summary>Records a snapshot in <c>forecast_snapshots</c>; one of the same period, scope and date is replaced.</summary>
    /// <exception cref="StoreDataException">The snapshot cannot be stored faithfully; names the field, nothing written.</exception>
    public Task SaveAsync(TenantId tenant, ForecastSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var values = SnapshotValues(tenant, snapshot);
        return WriteAsync((connection, transaction) => SaveSnapshotAsync(connection, transaction, values, cancellationToken), cancellationToken);
    }

    // A snapshot's parameters, checked (StoreDataException) before anything is written.
    private static (string Id, (string, object?)[] Values) SnapshotValues(TenantId tenant, ForecastSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var id = ForecastStoreValues.Id(snapshot);
        var scope = ForecastScope.Of(snapshot);
        var amounts = ForecastStoreValues.AmountMinorUnits(snapshot);
        var categories = ForecastStoreValues.CategoryMinorUnits(snapshot);
        return (id,
        [
            .. PeriodValues(tenant, ForecastStoreValues.Period(snapshot.Period, ForecastStoreValues.SnapshotEntity, id)),
            ("$partner", ForecastStoreValues.PartnerKey(scope)),
            ("$region", ForecastStoreValues.RegionKey(scope, ForecastStoreValues.SnapshotEntity, id)),
            ("$node", ForecastStoreValues.NodeKey(scope, ForecastStoreValues.SnapshotEntity, id)),
            ("$takenOn", SqliteText.Of(snapshot.TakenOn)),
            ("$currency", snapshot.Currency.Code),
            .. amounts.Select((a, i) => ($"$a{i}", (object?)a)),
            .. categories.Select((c, i) => ($"$c{i}", (object?)c)),
        ]);
    }

    private static async Task<int> SaveSnapshotAsync(SqliteConnection connection, SqliteTransaction transaction, (string Id, (string, object?)[] Values) snapshot, CancellationToken cancellationToken)
    {
        using var command = Command(
            connection,
            transaction,
            $"""
            INSERT INTO forecast_snapshots (tenant, {SnapshotColumns})
            VALUES ($tenant, $kind, $start, $end, $label, $partner, $region, $takenOn, $currency, $a0, $a1, $a2, $a3, $a4, $a5, $c0, $c1, $c2, $c3, $c4, $node)
            ON CONFLICT (tenant, period_start, period_end, period_kind, period_label, partner, region, node, taken_on) DO UPDATE SET
                currency = excluded.currency, expected_minor = excluded.expected_minor, p10_minor = excluded.p10_minor,
                p50_minor = excluded.p50_minor, p90_minor = excluded.p90_minor, commit_minor = excluded.commit_minor,
                best_case_minor = excluded.best_case_minor, category_pipeline_minor = excluded.category_pipeline_minor,
                category_best_case_minor = excluded.category_best_case_minor, category_commit_minor = excluded.category_commit_minor,
                category_closed_minor = excluded.category_closed_minor, category_omitted_minor = excluded.category_omitted_minor;
            """,
            snapshot.Values);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw ConstraintViolation(ForecastStoreValues.SnapshotEntity, snapshot.Id, ex);
        }
    }

    /// <summary>The snapshots of a period for exactly one scope, oldest first.</summary>
    public Task<IReadOnlyList<ForecastSnapshot>> ListAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default) =>
        ReadListAsync(
            $"SELECT {SnapshotColumns} FROM forecast_snapshots WHERE {PeriodKey} AND partner = $partner AND region = $region AND node = $node ORDER BY taken_on;",
            [.. PeriodValues(tenant, period), ("$partner", ForecastStoreValues.PartnerKey(scope)), ("$region", scope.Region ?? string.Empty), ("$node", scope.Node ?? string.Empty)],
            ReadSnapshot,
            cancellationToken);

    /// <summary>Saves a target in <c>sales_targets</c>; one of the same period and scope is replaced.</summary>
    /// <exception cref="StoreDataException">The target cannot be stored faithfully; names the field, nothing written.</exception>
    public Task SaveTargetAsync(TenantId tenant, SalesTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var scope = ForecastScope.Of(target);
        var id = ForecastStoreValues.Id(target.Period, scope);
        (string, object?)[] values =
        [
            .. PeriodValues(tenant, ForecastStoreValues.Period(target.Period, ForecastStoreValues.TargetEntity, id)),
            ("$partner", ForecastStoreValues.PartnerKey(scope)),
            ("$region", ForecastStoreValues.RegionKey(scope, ForecastStoreValues.TargetEntity, id)),
            ("$node", ForecastStoreValues.NodeKey(scope, ForecastStoreValues.TargetEntity, id)),
            ("$amount", ForecastStoreValues.MinorUnits(target.Amount, target.Amount.Currency, ForecastStoreValues.TargetEntity, id, nameof(target.Amount))),
            ("$currency", target.Amount.Currency.Code),
        ];
        return WriteAsync(
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
        ReadOneAsync(
            $"SELECT {TargetColumns} FROM sales_targets WHERE {PeriodKey} AND partner = $partner AND region = $region AND node = $node;",
            [.. PeriodValues(tenant, period), ("$partner", ForecastStoreValues.PartnerKey(scope)), ("$region", scope.Region ?? string.Empty), ("$node", scope.Node ?? string.Empty)],
            ReadTarget,
            cancellationToken);

    /// <summary>Every target of a period, ordered by partner, then region (code-point order, "all" first).</summary>
    public Task<IReadOnlyList<SalesTarget>> ListTargetsAsync(TenantId tenant, ForecastPeriod period, CancellationToken cancellationToken = default) =>
        ReadListAsync(
            $"SELECT {TargetColumns} FROM sales_targets WHERE {PeriodKey} ORDER BY partner, region, node;",
            PeriodValues(tenant, period),
            ReadTarget,
            cancellationToken);

    /// <summary>Deletes the target of a period for exactly one scope; false when there was none.</summary>
    public async Task<bool> DeleteTargetAsync(TenantId tenant, ForecastPeriod period, ForecastScope scope = default, CancellationToken cancellationToken = default)
    {
        (string, object?)[] values = [.. PeriodValues(tenant, period), ("$partner", ForecastStoreValues.PartnerKey(scope)), ("$region", scope.Region ?? string.Empty), ("$node", scope.Node ?? string.Empty)];
        var deleted = await WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"DELETE FROM sales_targets WHERE {PeriodKey} AND partner = $partner AND region = $region AND node = $node;", values);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    private static (string Name, object? Value)[] PeriodValues(TenantId tenant, ForecastPeriod period) =>
    [
        ("$tenant", tenant.Value),
        ("$start", SqliteText.Of(period.Start)),
        ("$end", SqliteText.Of(period.End)),
        ("$kind", (int)period.Kind),
        ("$label", period.Label ?? string.Empty),
    ];

    private static ForecastPeriod ReadPeriod(SqliteDataReader reader) =>
        new((PeriodKind)reader.GetInt32(0), ReadDate(reader, 1), ReadDate(reader, 2), reader.GetString(3));

    private static NodaTime.LocalDate ReadDate(SqliteDataReader reader, int ordinal) => LocalDatePattern.Iso.Parse(reader.GetString(ordinal)).Value;

    private static ForecastSnapshot ReadSnapshot(SqliteDataReader reader) =>
        ForecastStoreValues.Snapshot(
            ReadPeriod(reader),
            ForecastStoreValues.Scope(reader.GetString(4), reader.GetString(5), reader.GetString(19)),
            ReadDate(reader, 6),
            new CurrencyCode(reader.GetString(7)),
            [.. Enumerable.Range(8, 6).Select(reader.GetInt64)],
            [.. Enumerable.Range(14, 5).Select(i => reader.IsDBNull(i) ? (long?)null : reader.GetInt64(i))]);

    private static SalesTarget ReadTarget(SqliteDataReader reader)
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
