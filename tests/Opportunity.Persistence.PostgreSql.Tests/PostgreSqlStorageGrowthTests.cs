using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Pipelines;
using Opportunity.Testing.Storage;
using Xunit.Abstractions;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// Storage per routed lead in PostgreSQL (docs/persistence.md), the workload of the SQLite bound at the
/// same small scale: the purged ids, packed per tenant and hash bucket since migration 8, must take less
/// than half of what migration 7's row per id took for the same ids (measured in the same database),
/// and every message must be purged. The figures per table are printed for the docs. The outbox is
/// measured after <c>VACUUM FULL</c>: the scenario purges a week of messages at once, whose freed pages a
/// running host reuses for the next week's; <c>outbox_purged</c>, which only grows, after a plain <c>VACUUM</c>.
/// </summary>
public sealed class PostgreSqlStorageGrowthTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Leads = 3_000;
    private PostgreSqlStore? _store;
    private string _schema = string.Empty;
    private Func<ValueTask>? _drop;

    public async Task InitializeAsync()
    {
        if (PostgresTestDatabase.Owner is not null)
        {
            (_store, _schema, _drop) = await PostgresTestDatabase.CreateAsync(new PipelineCatalog());
        }
    }

    public async Task DisposeAsync()
    {
        if (_drop is not null)
        {
            await _drop();
        }
    }

    [PostgresFact]
    public async Task PurgedIds_AfterDeliveryAndPurge_TakeLessThanHalfOfARowPerId()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 7, 1, 0, 0));

        var assigned = await StorageGrowthScenario.RunAsync(_store!, _store!, _store!, _store!, clock, Leads);

        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        foreach (var sql in new[] { $"VACUUM FULL {_schema}.outbox;", $"VACUUM {_schema}.outbox_purged;", "SELECT set_config('opportunity.system', 'on', false);" })
        {
            // One statement per command: VACUUM cannot run inside the implicit transaction of a batch. Then the
            // owner's cross-tenant read (the system policies), to count what the purge left.
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        var sizes = new List<(string Table, long Bytes)>();
        await using (var tables = new NpgsqlCommand($"SELECT c.relname::text, pg_total_relation_size(c.oid) FROM pg_class c WHERE c.relnamespace = '{_schema}'::regnamespace AND c.relkind = 'r' ORDER BY 2 DESC;", connection))
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sizes.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        // Migration 7's layout for the same ids: a row of tenant and 16-byte hash each, with its primary key.
        await using (var asRows = new NpgsqlCommand(
            $"""
            CREATE TABLE {_schema}.purged_by_id (tenant text COLLATE "C" NOT NULL, id_hash bytea NOT NULL, PRIMARY KEY (tenant, id_hash));
            INSERT INTO {_schema}.purged_by_id SELECT p.tenant, int8send(k) || int8send(p.bucket::bigint) FROM {_schema}.outbox_purged p, unnest(p.keys) AS k;
            """,
            connection))
        {
            await asRows.ExecuteNonQueryAsync();
        }

        await using var measure = new NpgsqlCommand($"SELECT (SELECT count(*) FROM {_schema}.outbox), (SELECT count(*) FROM {_schema}.purged_by_id), pg_total_relation_size('{_schema}.purged_by_id');", connection);
        await using var counts = await measure.ExecuteReaderAsync();
        await counts.ReadAsync();
        var (outboxRows, purgedIds, asRowsBytes) = (counts.GetInt64(0), counts.GetInt64(1), counts.GetInt64(2));
        var packed = sizes.Single(t => t.Table == "outbox_purged").Bytes;

        foreach (var (table, bytes) in sizes)
        {
            output.WriteLine($"{table,-20}{bytes,12:N0} B {bytes / (double)Leads,8:N0} B/lead");
        }

        output.WriteLine($"total               {sizes.Sum(t => t.Bytes),12:N0} B {sizes.Sum(t => t.Bytes) / (double)Leads,8:N0} B/lead; {assigned} of {Leads} assigned");
        output.WriteLine($"{purgedIds:N0} purged ids: {packed / (double)purgedIds:N1} B each packed, {asRowsBytes / (double)purgedIds:N1} B each as rows");
        Assert.InRange(assigned, Leads * 8 / 10, Leads); // the workload routes, not an empty network
        Assert.Equal(0, outboxRows); // every message delivered, then purged
        Assert.InRange(purgedIds, 5L * Leads, 10L * Leads); // about seven messages per lead, each remembered
        Assert.True(packed * 2 < asRowsBytes, $"packed purged ids take {packed:N0} B, as rows {asRowsBytes:N0} B");
    }
}
