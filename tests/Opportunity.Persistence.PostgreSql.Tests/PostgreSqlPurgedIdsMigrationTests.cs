using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>Migration 8 on a schema whose migration-7 <c>outbox_purged</c> holds a row per purged id: every id is kept, packed.</summary>
public sealed class PostgreSqlPurgedIdsMigrationTests
{
    private static readonly TenantId TenantA = new("tenant-a");
    private static readonly TenantId TenantB = new("tenant-b");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 9, 0));

    [PostgresFact]
    public async Task MigrateAsync_FromSchemaSevenWithPurgedIds_StillIgnoresThemAndKeepsPurging()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        try
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());");
            foreach (var (version, name, sql) in PostgreSqlMigrations.All.Where(m => m.Version < PostgreSqlMigrations.PackedPurgedIdsVersion))
            {
                await PostgresTestDatabase.ExecuteAsOwnerAsync(sql.Replace("{s}", schema, StringComparison.Ordinal) + $"; INSERT INTO {schema}.schema_migrations (version, name) VALUES ({version}, '{name.Replace("'", "''", StringComparison.Ordinal)}');");
            }

            // Three messages delivered and purged by migration 7's function: three 16-byte hashes, one row each.
            await PostgresTestDatabase.ExecuteAsOwnerAsync($$"""
                SELECT set_config('opportunity.system', 'on', true);
                INSERT INTO {{schema}}.outbox (id, tenant, topic, type, payload, created_at, due_at, status, delivered_at) VALUES
                    ('a-1', 'tenant-a', 'notification', 't', '{}', now(), now(), 'delivered', now() - interval '30 days'),
                    ('a-2', 'tenant-a', 'notification', 't', '{}', now(), now(), 'delivered', now() - interval '30 days'),
                    ('b-1', 'tenant-b', 'notification', 't', '{}', now(), now(), 'delivered', now() - interval '30 days');
                SELECT {{schema}}.purge_delivered(now(), 100);
                """);
            Assert.Equal(3L, await OwnerScalarAsync($"SELECT count(*) FROM {schema}.outbox_purged;"));

            await using var store = PostgresTestDatabase.OpenStore(schema, new PipelineCatalog());
            await store.MigrateAsync();

            Assert.Equal(3L, await OwnerScalarAsync($"SELECT sum(cardinality(keys)) FROM {schema}.outbox_purged;")); // in as many buckets as the hashes fall
            var now = _clock.GetCurrentInstant();
            await store.Outbox.EnqueueAsync([Message("a-1", TenantA, now), Message("a-2", TenantA, now), Message("a-3", TenantA, now)]);
            await store.Outbox.EnqueueAsync([Message("b-1", TenantB, now)]);
            Assert.Equal(["a-3"], (await store.Outbox.ListPendingAsync()).Select(m => m.Id));

            Assert.Single(await store.Outbox.ClaimAsync(new DueWorkClaim(now, 10, "host", Duration.FromMinutes(5))));
            Assert.True(await store.Outbox.CompleteAsync("a-3", "host", now));
            Assert.Equal(1, await store.Outbox.PurgeDeliveredAsync(now + Duration.FromSeconds(1), 100));
            await store.Outbox.EnqueueAsync([Message("a-3", TenantA, now)]);
            Assert.Empty(await store.Outbox.ListPendingAsync());
            Assert.Equal(4L, await OwnerScalarAsync($"SELECT sum(cardinality(keys)) FROM {schema}.outbox_purged;"));
        }
        finally
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
        }
    }

    private static OutboxMessage Message(string id, TenantId tenant, Instant at) => new(id, tenant, "notification", "test", "{}", at);

    private static async Task<long> OwnerScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var system = new NpgsqlCommand("SELECT set_config('opportunity.system', 'on', true);", connection, transaction);
        await system.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
