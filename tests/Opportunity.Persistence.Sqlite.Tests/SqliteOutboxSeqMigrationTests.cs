using Microsoft.Data.Sqlite;
using NodaTime;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>Migration 9: the outbox's <c>seq</c> without AUTOINCREMENT, on a new database and on one of the previous release.</summary>
public sealed class SqliteOutboxSeqMigrationTests : IDisposable
{
    private static readonly TenantId Tenant = new("t");
    private static readonly Instant Now = Instant.FromUtc(2025, 3, 3, 9, 0);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task EnqueueAsync_NewDatabase_WritesNoSequenceRowAndKeepsInsertionOrder()
    {
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();

        await store.Outbox.EnqueueAsync([Message("b"), Message("a")]);
        await store.Outbox.EnqueueAsync([Message("c")]);

        Assert.DoesNotContain("AUTOINCREMENT", await ScalarAsync<string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox';"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM sqlite_sequence WHERE name = 'outbox';"));
        Assert.Equal(["b", "a", "c"], (await store.Outbox.ListPendingAsync()).Select(m => m.Id));
    }

    [Fact]
    public async Task MigrateAsync_OutboxWithAutoincrement_KeepsRowsAndTheirOrder()
    {
        using (var before = new SqliteStore(_database.Path))
        {
            await before.MigrateAsync();
            await before.Outbox.EnqueueAsync([Message("b"), Message("a")]);
        }

        // Back to the outbox of the previous release: AUTOINCREMENT, its sqlite_sequence row, migration 9 not recorded.
        await ScalarAsync<long>("""
            ALTER TABLE outbox RENAME TO outbox_new;
            DROP INDEX outbox_due; DROP INDEX outbox_dead; DROP INDEX outbox_delivered;
            CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, topic TEXT NOT NULL, type TEXT NOT NULL,
                payload TEXT NOT NULL, created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, last_error TEXT, due_at TEXT NOT NULL,
                status TEXT NOT NULL, lease_owner TEXT, lease_until TEXT, dead_reason TEXT, dead_at TEXT, delivered_at TEXT);
            INSERT INTO outbox SELECT * FROM outbox_new;
            DROP TABLE outbox_new;
            CREATE INDEX outbox_due ON outbox (due_at, seq) WHERE status = 'pending';
            CREATE INDEX outbox_dead ON outbox (dead_at, seq) WHERE status = 'dead';
            CREATE INDEX outbox_delivered ON outbox (delivered_at, seq) WHERE status = 'delivered';
            DELETE FROM schema_migrations WHERE version = 9;
            SELECT count(*) FROM sqlite_sequence WHERE name = 'outbox';
            """);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM sqlite_sequence WHERE name = 'outbox';"));

        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();
        await store.Outbox.EnqueueAsync([Message("c"), Message("a")]);

        Assert.Equal(["b", "a", "c"], (await store.Outbox.ListPendingAsync()).Select(m => m.Id));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM sqlite_sequence WHERE name = 'outbox';"));
        Assert.Equal(3L, await ScalarAsync<long>("SELECT max(seq) FROM outbox;"));
    }

    private static OutboxMessage Message(string id) => new(id, Tenant, OutboxMessage.DomainEventTopic, "LeadCaptured", "{}", Now);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
