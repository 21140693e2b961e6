using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.Sqlite;
using Opportunity.Testing.Storage;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// Storage per routed lead (docs/persistence.md, "Measured size per routed lead"): runs
/// <see cref="StorageGrowthScenario"/> into a fresh SQLite file (and a fresh PostgreSQL schema when
/// OPPORTUNITY_POSTGRES is set) and prints the bytes of every table with its indexes — SQLite's
/// <c>dbstat</c> when the SQLite library has it (else only the total of pages in use; the sqlite3 shell
/// gives the per-table split of the file, which is kept), PostgreSQL's <c>pg_total_relation_size</c>, itemised by heap, TOAST and index (<see cref="PostgresRelationSizes"/>).
/// <code>dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- storage [leads] [--as-0.1.0] [--no-postgres | --no-sqlite]</code>
/// </summary>
internal static class StorageGrowthMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var leads = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 10_000;
        var as010 = args.Contains("--as-0.1.0");
        var postgres = Environment.GetEnvironmentVariable("OPPORTUNITY_POSTGRES");
        if (args.Contains("--no-sqlite"))
        {
            if (!string.IsNullOrEmpty(postgres))
            {
                await MeasurePostgresAsync(postgres, leads, as010);
            }

            return 0;
        }

        var path = Path.GetFullPath($"storage-growth-{leads}{(as010 ? "-0.1.0" : string.Empty)}.db");
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        using (var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = path, DurableCommits = false }))
        {
            var clock = new FakeClock(Instant.FromUtc(2026, 7, 1, 0, 0));
            var assigned = await StorageGrowthScenario.RunAsync(store.Leads, store.Outbox, store.Partners, store.DecisionLog, clock, leads, as010: as010);
            Console.WriteLine($"SQLite {path}: {leads:N0} leads, {assigned:N0} assigned{(as010 ? ", stored as 0.1.0 did" : string.Empty)}");
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size());";
            using var reader = await command.ExecuteReaderAsync();
            await reader.NextResultAsync();
            await reader.ReadAsync();
            var used = reader.GetInt64(0) * reader.GetInt64(1);
            Console.WriteLine($"  pages in use: {used:N0} B = {used / (double)leads:N0} B per lead; file {new FileInfo(path).Length:N0} B");
        }

        if (!string.IsNullOrEmpty(postgres) && !args.Contains("--no-postgres"))
        {
            await MeasurePostgresAsync(postgres, leads, as010);
        }

        return 0;
    }

    private static async Task MeasurePostgresAsync(string connectionString, int leads, bool as010)
    {
        var schema = $"storage_growth_{leads}{(as010 ? "_010" : string.Empty)}";
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", admin);
            await drop.ExecuteNonQueryAsync();
        }

        var run = System.Diagnostics.Stopwatch.StartNew();
        await using (var store = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = connectionString, Schema = schema }))
        {
            var clock = new FakeClock(Instant.FromUtc(2026, 7, 1, 0, 0));
            var outbox = new DispatchTimingOutbox(store.Outbox);
            var assigned = await StorageGrowthScenario.RunAsync(store.Leads, outbox, store.Partners, store.DecisionLog, clock, leads, as010: as010);
            Console.WriteLine($"PostgreSQL schema {schema}: {leads:N0} leads, {assigned:N0} assigned, {run.Elapsed.TotalSeconds:N0} s");
            Console.WriteLine($"  dispatch: {outbox.Completed:N0} messages completed in {outbox.Busy.TotalSeconds:N1} s of claims, renewals and completions = {outbox.Completed / outbox.Busy.TotalSeconds:N0} messages/s; {outbox.Claims.Claims:N0} claims returned {outbox.Claims.Returned:N0} messages");
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        // A snapshot older than the run (a long transaction of another client of the database) keeps every dead row
        // version: nothing is pruned or vacuumed, and the figures below count them all.
        await using (var old = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL AND xact_start < now() - $1::interval;", connection))
        {
            old.Parameters.Add(new NpgsqlParameter { Value = run.Elapsed });
            if (await old.ExecuteScalarAsync() is long count and > 0)
            {
                Console.WriteLine($"  warning: {count} transaction(s) of other clients are older than the run; dead row versions could not be removed");
            }
        }

        foreach (var table in new[] { "outbox", "outbox_purged", "leads", "routing_decisions", "partners", "partner_load" })
        {
            // One statement per command: VACUUM cannot run inside the implicit transaction of a batch.
            await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {schema}.{table};", connection);
            await vacuum.ExecuteNonQueryAsync();
        }

        await using (var dead = new NpgsqlCommand("SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE schemaname = $1 AND n_live_tup + n_dead_tup > 0 ORDER BY relname;", connection))
        {
            dead.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var reader = await dead.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Console.WriteLine($"  {reader.GetString(0),-22}{reader.GetInt64(1),10:N0} live {reader.GetInt64(2),10:N0} dead row versions");
            }
        }

        Console.WriteLine("  after VACUUM (every table, as autovacuum would):");
        await PostgresRelationSizes.PrintAsync(connection, schema, leads, "lead");

        // The outbox's pages freed by the purge stay in the table for the next week's messages; VACUUM FULL gives
        // them back, which is the outbox of a host that purges as it goes (docs/persistence.md).
        await using (var full = new NpgsqlCommand($"VACUUM FULL {schema}.outbox;", connection))
        {
            await full.ExecuteNonQueryAsync();
        }

        Console.WriteLine("  after VACUUM FULL outbox:");
        await PostgresRelationSizes.PrintAsync(connection, schema, leads, "lead");
    }
}
