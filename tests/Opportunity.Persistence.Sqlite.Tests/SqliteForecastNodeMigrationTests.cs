using Microsoft.Data.Sqlite;
using Opportunity.Forecasting;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>Migration 30: the node key column of targets and snapshots, on a database of the previous release.</summary>
public sealed class SqliteForecastNodeMigrationTests : IDisposable
{
    private static readonly TenantId Tenant = new("t");
    private static readonly ForecastPeriod Q1 = FiscalCalendar.CalendarYear.Quarter(2025, 1);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task MigrateAsync_TargetsWithoutNode_KeepsThemAsScopesWithoutNodeBesideNewNodeTargets()
    {
        using (var before = new SqliteStore(_database.Path))
        {
            await before.MigrateAsync();
        }

        // Back to migration 17's tables with a network and a partner target, migration 30 not recorded.
        await ExecuteAsync("""
            DROP TABLE sales_targets;
            CREATE TABLE sales_targets (
                tenant TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL, period_kind INTEGER NOT NULL, period_label TEXT NOT NULL,
                partner TEXT NOT NULL, region TEXT NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
                PRIMARY KEY (tenant, period_start, period_end, period_kind, period_label, partner, region)) WITHOUT ROWID;
            INSERT INTO sales_targets VALUES ('t', '2025-01-01', '2025-04-01', 1, '2025-Q1', '', '', 500000, 'EUR');
            INSERT INTO sales_targets VALUES ('t', '2025-01-01', '2025-04-01', 1, '2025-Q1', 'P1', '', 1234, 'EUR');
            DELETE FROM schema_migrations WHERE version = 30;
            """);

        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();
        await store.Targets.SaveTargetAsync(Tenant, new SalesTarget(Q1, new Money(7m, CurrencyCode.EUR)) { Node = "network/region:EMEA" });

        Assert.Equal(new Money(5_000m, CurrencyCode.EUR), (await store.Targets.FindTargetAsync(Tenant, Q1, ForecastScope.Network))!.Amount);
        Assert.Equal(
            [ForecastScope.Network, ForecastScope.OfNode("network/region:EMEA"), new ForecastScope(new PartnerId("P1"))],
            (await store.Targets.ListTargetsAsync(Tenant, Q1)).Select(ForecastScope.Of));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
