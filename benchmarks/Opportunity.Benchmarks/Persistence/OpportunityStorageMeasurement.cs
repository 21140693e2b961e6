using Microsoft.Data.Sqlite;
using Npgsql;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.Sqlite;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// Stored bytes per opportunity (docs/persistence.md, "Measured size per opportunity"): imports the pipeline
/// benchmarks' open deals (<see cref="PersistenceBenchmarkData.Opportunities"/>) through each store's own
/// import into a fresh SQLite file and a fresh PostgreSQL schema (OPPORTUNITY_POSTGRES), then prints
/// PostgreSQL's <c>pg_total_relation_size</c> itemised (<see cref="PostgresRelationSizes"/>, after
/// <c>VACUUM ANALYZE</c>) and SQLite's pages in use; the sqlite3 shell's <c>dbstat</c> itemises the file, which is kept.
/// <code>dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- storage-opportunities [count] [--no-postgres | --no-sqlite]</code>
/// </summary>
internal static class OpportunityStorageMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 100_000;
        var deals = PersistenceBenchmarkData.Opportunities(count, openOnly: true);
        if (!args.Contains("--no-sqlite"))
        {
            var path = Path.GetFullPath($"storage-opportunities-{count}.db");
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            using (var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = path, DurableCommits = false }))
            {
                Check(await store.Importer.ImportAsync(deals));
            }

            using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size());";
            using var reader = await command.ExecuteReaderAsync();
            await reader.NextResultAsync();
            await reader.ReadAsync();
            var used = reader.GetInt64(0) * reader.GetInt64(1);
            Console.WriteLine($"SQLite {path}: {count:N0} opportunities; pages in use {used:N0} B = {used / (double)count:N0} B per opportunity (every table, the empty ones' root pages included)");
        }

        if (Environment.GetEnvironmentVariable(PersistenceBenchmarkData.PostgresVariable) is { Length: > 0 } postgres && !args.Contains("--no-postgres"))
        {
            var schema = $"storage_opportunities_{count}";
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync();
            await using (var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await using (var store = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = postgres + ";Command Timeout=0", Schema = schema }))
            {
                Check(await store.Importer.ImportAsync(deals));
            }

            await using (var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {schema}.opportunities;", connection))
            {
                await vacuum.ExecuteNonQueryAsync();
            }

            Console.WriteLine($"PostgreSQL schema {schema}: {count:N0} opportunities");
            await PostgresRelationSizes.PrintAsync(connection, schema, count, "opportunity");
        }

        return 0;
    }

    private static void Check(ValidationResult<int> result)
    {
        if (!result.IsValid)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }
    }
}
