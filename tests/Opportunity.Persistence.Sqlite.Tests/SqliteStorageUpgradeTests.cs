using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>Migration 7 on a database of the previous release: old decisions stay readable as text, old delivered rows are purged and stay de-duplicated.</summary>
public sealed class SqliteStorageUpgradeTests : IDisposable
{
    private static readonly TenantId Tenant = new("t");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task MigrateAsync_DatabaseBeforeMigration7_KeepsOldDecisionsReadableAndPurgesOldDeliveries()
    {
        var now = _clock.GetCurrentInstant();
        var old = new RoutingDecisionRecord(new LeadId("L-1"), now, "dach", "7", RoutingOutcome.Assigned, [new PartnerId("P-1")], 42, null, "Routing of lead L-1 …\n  5. filter   capacity: 3 → 2\n       P-full (Partner P-full): removed: at capacity (1 of 1 open leads)\nResult: assigned to P-1\n");
        using (var before = new SqliteStore(_database.Path))
        {
            await before.DecisionLog.AppendAsync(Tenant, old);
            await before.Outbox.EnqueueAsync([new OutboxMessage("Lead/L-1/1", Tenant, "domain-event", "LeadCaptured", "{}", now)]);
            await before.Outbox.ClaimAsync(new DueWorkClaim(now, 10, "host", Duration.FromMinutes(5)));
            Assert.True(await before.Outbox.CompleteAsync("Lead/L-1/1", "host", now));
        }

        // Back to the schema of the previous release: no summary column, no purge index or table, migration 7 not recorded.
        await ExecuteAsync("""
            DROP TABLE outbox_purged; DROP INDEX outbox_delivered; ALTER TABLE routing_decisions DROP COLUMN summary;
            DELETE FROM schema_migrations WHERE version = 7;
            """);
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();
        var compact = RoutingDecisionRecord.From(RoutingRuleSet.Create("dach").InTerritory().Build().Route(new RoutingRequest(new LeadId("L-1"), new Leads.LeadDetails { Source = "web" }, now) { Seed = 7 }, RoutingNetwork.Build([])));
        await store.DecisionLog.AppendAsync(Tenant, compact);

        var decisions = await store.DecisionLog.ForLeadAsync(Tenant, new LeadId("L-1"));

        Assert.Equal(2, decisions.Count);
        Assert.Equal(old.Explanation, decisions[0].Explanation);
        Assert.Null(decisions[0].Summary);
        Assert.Equal(compact.Summary, decisions[1].Summary);
        Assert.Equal(1, await store.Outbox.PurgeDeliveredAsync(now + Duration.FromDays(8), 100));
        await store.Outbox.EnqueueAsync([new OutboxMessage("Lead/L-1/1", Tenant, "domain-event", "LeadCaptured", "{}", now)]);
        Assert.Empty(await store.Outbox.ListPendingAsync());
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
