using Microsoft.Data.Sqlite;
using NodaTime.Text;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>Forecast rows shared by the forecast stores: the period key, a snapshot row written and read back.</summary>
internal static class ForecastRows
{
    internal const string PeriodKey = "tenant = $tenant AND period_start = $start AND period_end = $end AND period_kind = $kind AND period_label = $label";

    internal const string SnapshotColumns = "period_kind, period_start, period_end, period_label, partner, region, taken_on, currency, expected_minor, p10_minor, p50_minor, p90_minor, commit_minor, best_case_minor, category_pipeline_minor, category_best_case_minor, category_commit_minor, category_closed_minor, category_omitted_minor, node";

    // A snapshot's parameters, checked (StoreDataException) before anything is written.
    internal static (string Id, (string, object?)[] Values) SnapshotValues(TenantId tenant, ForecastSnapshot snapshot)
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

    internal static async Task<int> SaveSnapshotAsync(SqliteConnection connection, SqliteTransaction transaction, (string Id, (string, object?)[] Values) snapshot, CancellationToken cancellationToken)
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

    internal static (string Name, object? Value)[] PeriodValues(TenantId tenant, ForecastPeriod period) =>
    [
        ("$tenant", tenant.Value),
        ("$start", SqliteText.Of(period.Start)),
        ("$end", SqliteText.Of(period.End)),
        ("$kind", (int)period.Kind),
        ("$label", period.Label ?? string.Empty),
    ];

    internal static ForecastPeriod ReadPeriod(SqliteDataReader reader) =>
        new((PeriodKind)reader.GetInt32(0), ReadDate(reader, 1), ReadDate(reader, 2), reader.GetString(3));

    internal static NodaTime.LocalDate ReadDate(SqliteDataReader reader, int ordinal) => LocalDatePattern.Iso.Parse(reader.GetString(ordinal)).Value;

    internal static ForecastSnapshot ReadSnapshot(SqliteDataReader reader) =>
        ForecastStoreValues.Snapshot(
            ReadPeriod(reader),
            ForecastStoreValues.Scope(reader.GetString(4), reader.GetString(5), reader.GetString(19)),
            ReadDate(reader, 6),
            new CurrencyCode(reader.GetString(7)),
            [.. Enumerable.Range(8, 6).Select(reader.GetInt64)],
            [.. Enumerable.Range(14, 5).Select(i => reader.IsDBNull(i) ? (long?)null : reader.GetInt64(i))]);
}
