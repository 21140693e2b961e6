using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Opportunity.Hosting;
using Opportunity.Persistence;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.Sqlite;
using Opportunity.Pipelines;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// Dashboard freshness and catch-up of the live-pipeline follower (docs/performance.md, "Change feed"):
/// host A (a store of its own) saves a deal; host B (another store over the same database, running
/// <see cref="LivePipelineHostedService"/>) is woken by the store and applies the change. Freshness is
/// the time from A's save returning (committed) to B's totals reflecting it, over 200 saves; catch-up
/// is one pass of a follower that is 10^5 changes behind (an import of 10^5 deals), read and applied.
/// Also prints the feed's stored bytes per change. SQLite always, PostgreSQL when OPPORTUNITY_POSTGRES is set.
/// <code>dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- feed [changes] [--no-postgres | --no-sqlite]</code>
/// </summary>
internal static class ChangeFeedMeasurement
{
    private const int Saves = 200;
    private const string FollowerApplication = "opportunity-feed-follower";
    private static readonly TenantId Tenant = new("acme");

    public static async Task<int> RunAsync(string[] args)
    {
        var changes = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 100_000;
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        if (!args.Contains("--no-sqlite"))
        {
            var path = Path.GetFullPath("change-feed.db");
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            using var a = new SqliteStore(path);
            using var b = new SqliteStore(path);
            await MeasureAsync("SQLite", a, b, changes, () => SqliteFeedBytesAsync(path), () => Task.FromResult(0d));
        }

        var postgres = Environment.GetEnvironmentVariable("OPPORTUNITY_POSTGRES");
        if (!string.IsNullOrEmpty(postgres) && !args.Contains("--no-postgres"))
        {
            const string schema = "change_feed_measurement";
            await ExecuteAsync(postgres, $"DROP SCHEMA IF EXISTS {schema} CASCADE;");
            await using var a = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = postgres, Schema = schema });
            await using var b = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = postgres + $";Application Name={FollowerApplication}", Schema = schema });
            await using var monitor = NpgsqlDataSource.Create(postgres);
            await MeasureAsync("PostgreSQL", a, b, changes, () => PostgresFeedBytesAsync(postgres, schema), () => PostgresBackendCpu.MillisecondsAsync(monitor, FollowerApplication));
            await ExecuteAsync(postgres, $"DROP SCHEMA IF EXISTS {schema} CASCADE;");
        }

        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async Task MeasureAsync(string name, StorePorts a, StorePorts b, int changes, Func<Task<(long Bytes, long Rows)>> feedBytes, Func<Task<double>> serverCpuMs)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 7, 1, 0, 0));
        var catalog = new PipelineCatalog();
        var deal = Deal("fresh-0", 0, clock);
        await a.Opportunities.AddAsync(deal);

        // Host B: the follower as an application runs it, polling once a minute; only the store's wake-ups make it read.
        var options = Options.Create(new LivePipelineHostingOptions { Interval = Duration.FromMinutes(1), MaxIdleInterval = Duration.FromMinutes(1) });
        options.Value.Tenants.Add(Tenant.Value);
        using var follower = new LivePipelineHostedService(b.Opportunities, catalog, new TaskBackgroundDelay(), clock, options, feed: b.ChangeFeed);
        await follower.StartAsync(CancellationToken.None);
        await follower.WaitForPositionAsync(Tenant, ChangeFeedPosition.Start);

        var latencies = new List<double>(Saves);
        for (var i = 0; i < Saves; i++)
        {
            var before = follower.Position(Tenant)!.Value;
            var reflected = follower.WaitForPositionAsync(Tenant, before with { Sequence = before.Sequence + 1 });
            deal.ChangeAmount(new Money(1_000m + i, CurrencyCode.EUR), "sales", clock);
            await a.Opportunities.UpdateAsync(deal);
            var committed = Stopwatch.GetTimestamp();
            await reflected;
            latencies.Add(Stopwatch.GetElapsedTime(committed).TotalMilliseconds);
        }

        latencies.Sort();
        Console.WriteLine($"{name}: freshness over {Saves} saves (A's save returned → B's totals reflect it): median {latencies[Saves / 2]:F2} ms, p90 {latencies[Saves * 9 / 10]:F2} ms, max {latencies[^1]:F2} ms");
        var (savedBytes, savedRows) = await feedBytes();
        Console.WriteLine($"{name}: feed after {savedRows:N0} single-change transactions: {savedBytes:N0} B = {savedBytes / (double)savedRows:F0} B per change (tables and indexes)");
        await follower.StopAsync(CancellationToken.None);

        // A follower that is `changes` behind: loaded before an import of that many deals, then one pass.
        using var behind = new LivePipelineHostedService(b.Opportunities, catalog, new TaskBackgroundDelay(), clock, options, feed: b.ChangeFeed);
        await behind.RunOnceAsync();
        var import = Stopwatch.StartNew();
        var result = await a.Importer.ImportAsync(Enumerable.Range(1, changes).Select(i => Deal($"bulk-{i}", i, clock).ToSnapshot()));
        import.Stop();
        if (!result.IsValid)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }

        var process = Process.GetCurrentProcess();
        var server = await serverCpuMs();
        var cpu = process.TotalProcessorTime;
        var catchUp = Stopwatch.StartNew();
        var applied = await behind.RunOnceAsync();
        catchUp.Stop();
        process.Refresh();
        var clientMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        var serverMs = await serverCpuMs() - server;
        Console.WriteLine($"{name}: import of {changes:N0} deals {import.Elapsed.TotalSeconds:F2} s; catch-up of {applied:N0} changes in one pass {catchUp.Elapsed.TotalMilliseconds:F0} ms ({applied / catchUp.Elapsed.TotalSeconds:N0} changes/s), CPU per change: this process {clientMs * 1000 / applied:F1} µs, the follower's database sessions {serverMs * 1000 / applied:F1} µs");
        var (bulkBytes, bulkRows) = await feedBytes();
        Console.WriteLine($"{name}: feed after the import: {bulkBytes:N0} B for {bulkRows:N0} changes = {bulkBytes / (double)bulkRows:F0} B per change");
    }

    private static SalesOpportunity Deal(string id, int k, IClock clock) =>
        SalesOpportunity.Open(
            Tenant,
            new OpportunityId(id),
            new SalesOpportunityDraft(new PartnerId($"P-{k % 50}"), new Money(500m + (k % 1000), CurrencyCode.EUR), new LocalDate(2026, 7 + (k % 6), 15)) { Name = id },
            PipelineDefinition.Default,
            "import",
            clock);

    /// <summary>
    /// The feed's bytes in a SQLite file (table and index): the pages a vacuumed copy of the file
    /// uses with the feed minus without it (this SQLite has no <c>dbstat</c>).
    /// </summary>
    private static async Task<(long Bytes, long Rows)> SqliteFeedBytesAsync(string path)
    {
        var copy = path + ".measure";
        File.Delete(copy);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint(TRUNCATE); VACUUM INTO '{copy}';";
            await command.ExecuteNonQueryAsync();
        }

        using (var connection = new SqliteConnection($"Data Source={copy};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT count(*) FROM opportunity_feed), (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size());";
            long rows, with;
            using (var reader = await command.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                rows = reader.GetInt64(0);
                with = reader.GetInt64(1);
            }

            command.CommandText = "DROP TABLE opportunity_feed; VACUUM; SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size();";
            var without = (long)(await command.ExecuteScalarAsync())!;
            SqliteConnection.ClearAllPools();
            File.Delete(copy);
            return (with - without, rows);
        }
    }

    private static async Task<(long Bytes, long Rows)> PostgresFeedBytesAsync(string connectionString, string schema)
    {
        await ExecuteAsync(connectionString, $"VACUUM {schema}.opportunity_feed; VACUUM {schema}.opportunity_feed_commits;");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The owner's cross-tenant policy (migration 6) lets this session count every tenant's rows.
        await using (var system = new NpgsqlCommand("SELECT set_config('opportunity.system', 'on', false);", connection))
        {
            await system.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand($"SELECT pg_total_relation_size('{schema}.opportunity_feed') + pg_total_relation_size('{schema}.opportunity_feed_commits'), (SELECT count(*) FROM {schema}.opportunity_feed);", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
