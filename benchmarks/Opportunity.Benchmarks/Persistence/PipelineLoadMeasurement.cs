using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Npgsql;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.Sqlite;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// The snapshot load's cost per row on a shared machine (docs/performance.md, "The weighted pipeline
/// from the stores, part 3"), over the data <see cref="PipelineStoreBenchmarks"/> keeps
/// (<c>OPPORTUNITY_BENCH_KEEP=1</c>: schema <c>pipe_keep_{rows}</c>, file
/// <c>/tmp/pipeline-bench-keep-{rows}.db</c>; run that benchmark once first). For PostgreSQL (read
/// as OPPORTUNITY_POSTGRES_APP when set) and SQLite, <see cref="PipelineSnapshot.FromStoreAsync"/>
/// as shipped and, where the store has the internal overload, with one connection: per case the
/// median of <c>rounds</c> (default 3) of the wall time, rows per second, the process's CPU time per
/// row (<see cref="Process.TotalProcessorTime"/>, every thread), PostgreSQL's backends' CPU per row
/// (utime + stime from <c>/proc</c> of the sessions of this program's application name) and the
/// bytes allocated per row (<see cref="GC.GetTotalAllocatedBytes"/>), with the load average around it;
/// then PostgreSQL's push-down partner × stage and the narrow <c>GROUP BY</c> beside it, round by round in
/// turn (wall, client and server CPU). The third argument picks the stores (default both).
/// <code>dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- pipeline-load [rows] [rounds] [both|postgres|sqlite]</code>
/// </summary>
internal static class PipelineLoadMeasurement
{
    private const string ApplicationName = "opportunity-pipeline-load";
    private static readonly AccessScope Scope = AccessScope.Manufacturer(new TenantId("bench"));

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var stores = args.Length > 3 ? args[3] : "both";
        Console.WriteLine($"{rows:N0} rows, {rounds} rounds, {Environment.ProcessorCount} cores; load average at start {File.ReadAllText("/proc/loadavg").Trim()}");
        if (stores is "both" or "postgres")
        {
            var app = Environment.GetEnvironmentVariable("OPPORTUNITY_POSTGRES_APP");
            var options = new PostgreSqlStoreOptions
            {
                ConnectionString = (app is { Length: > 0 } ? app : PersistenceBenchmarkData.Postgres) + $";Command Timeout=0;Application Name={ApplicationName}",
                MigrationConnectionString = PersistenceBenchmarkData.Postgres + ";Command Timeout=0",
                Schema = $"pipe_keep_{rows}",
            };
            await using var postgres = new PostgreSqlStore(options);
            await using var monitor = NpgsqlDataSource.Create(PersistenceBenchmarkData.Postgres);
            await MeasureAsync("PostgreSQL, FromStoreAsync", rows, rounds, monitor, () => PipelineSnapshot.FromStoreAsync(postgres.Opportunities, Scope));
            if (OneConnection(postgres.Opportunities) is { } pgOne)
            {
                await MeasureAsync("PostgreSQL, one connection", rows, rounds, monitor, () => pgOne(Scope));
            }

            // The push-down against the GROUP BY a DBA would write over the narrow table (PipelineStoreBenchmarks' baseline), interleaved.
            await using var owner = NpgsqlDataSource.Create(PersistenceBenchmarkData.Postgres + $";Command Timeout=0;Application Name={ApplicationName}");
            await MeasureQueriesAsync(
                rounds,
                monitor,
                ("PostgreSQL, narrow GROUP BY (baseline)", async () =>
                {
                    await using var command = owner.CreateCommand($"SELECT partner, stage, currency, count(*), sum(amount_minor)::text, sum(amount_minor * probability_bp)::text FROM {options.Schema}.narrow GROUP BY 1, 2, 3;");
                    await using var reader = await command.ExecuteReaderAsync();
                    var groups = 0;
                    while (await reader.ReadAsync())
                    {
                        groups++;
                    }

                    return groups;
                }),
                ("PostgreSQL, push-down partner × stage", async () => (await postgres.PushDown.AggregatePipelineAsync(Scope, PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage))).Count));
        }

        if (stores is "both" or "sqlite")
        {
            using var sqlite = new SqliteStore(Path.Combine(Path.GetTempPath(), $"pipeline-bench-keep-{rows}.db"));
            await MeasureAsync("SQLite, FromStoreAsync", rows, rounds, null, () => PipelineSnapshot.FromStoreAsync(sqlite.Opportunities, Scope));
            if (OneConnection(sqlite.Opportunities) is { } sqliteOne)
            {
                await MeasureAsync("SQLite, one connection", rows, rounds, null, () => sqliteOne(Scope));
            }
        }

        Console.WriteLine($"load average at end {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>The store's internal <c>ReadPipelineRowBatchesAsync(scope, includeClosedWon, readers, rowsPerReader)</c> with one reader, when it has one.</summary>
    private static Func<AccessScope, Task<PipelineSnapshot>>? OneConnection(object store)
    {
        var method = store.GetType().GetMethod("ReadPipelineRowBatchesAsync", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(AccessScope), typeof(bool), typeof(int), typeof(long), typeof(CancellationToken)]);
        if (method is null)
        {
            return null;
        }

        return async scope =>
        {
            var builder = new PipelineSnapshotBuilder();
            await builder.AddAsync(new Source(s => (IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>>)method.Invoke(store, [s, false, 1, long.MaxValue, CancellationToken.None])!), scope);
            return builder.Build();
        };
    }

    private static async Task MeasureAsync(string name, int rows, int rounds, NpgsqlDataSource? monitor, Func<Task<PipelineSnapshot>> load)
    {
        var process = Process.GetCurrentProcess();
        var results = new List<(double Wall, double Cpu, double Server, double Bytes)>();
        for (var round = 0; round <= rounds; round++)
        {
            GC.Collect();
            var server = monitor is null ? 0 : await PostgresBackendCpu.MillisecondsAsync(monitor, ApplicationName);
            var allocated = GC.GetTotalAllocatedBytes(true);
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var snapshot = await load();
            wall.Stop();
            process.Refresh();
            var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
            var bytes = GC.GetTotalAllocatedBytes(true) - allocated;
            var serverMs = monitor is null ? 0 : await PostgresBackendCpu.MillisecondsAsync(monitor, ApplicationName) - server;
            if (snapshot.Count != rows)
            {
                throw new InvalidOperationException($"{name}: {snapshot.Count} rows, not {rows}.");
            }

            if (round > 0)
            {
                // Round 0 warms up.
                results.Add((wall.Elapsed.TotalMilliseconds, cpuMs, serverMs, bytes));
            }
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        var medianWall = Median(results.Select(r => r.Wall));
        Console.WriteLine(
            $"{name}: wall {medianWall:N0} ms ({rows / medianWall * 1000:N0} rows/s; rounds {string.Join(" / ", results.Select(r => r.Wall.ToString("N0", CultureInfo.InvariantCulture)))} ms), "
            + $"client CPU {Median(results.Select(r => r.Cpu)) * 1e6 / rows:N0} ns/row, server CPU {Median(results.Select(r => r.Server)) * 1e6 / rows:N0} ns/row, "
            + $"allocated {Median(results.Select(r => r.Bytes)) / rows:N1} B/row");
    }

    /// <summary>
    /// Queries measured round by round in turn (so that a change of load hits each alike): per query the
    /// median wall time, this process's CPU and the PostgreSQL sessions' CPU; each must return the groups of the first.
    /// </summary>
    private static async Task MeasureQueriesAsync(int rounds, NpgsqlDataSource monitor, params (string Name, Func<Task<int>> Run)[] queries)
    {
        var process = Process.GetCurrentProcess();
        var results = queries.Select(_ => new List<(double Wall, double Cpu, double Server)>()).ToArray();
        for (var round = 0; round <= rounds; round++)
        {
            int? groups = null;
            for (var q = 0; q < queries.Length; q++)
            {
                var server = await PostgresBackendCpu.MillisecondsAsync(monitor, ApplicationName);
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                var count = await queries[q].Run();
                wall.Stop();
                process.Refresh();
                var serverMs = await PostgresBackendCpu.MillisecondsAsync(monitor, ApplicationName) - server;
                if ((groups ??= count) != count)
                {
                    throw new InvalidOperationException($"{queries[q].Name}: {count} groups, not {groups}.");
                }

                if (round > 0)
                {
                    results[q].Add((wall.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu).TotalMilliseconds, serverMs));
                }
            }
        }

        for (var q = 0; q < queries.Length; q++)
        {
            var wall = results[q].Select(r => r.Wall).Order().ToArray();
            Console.WriteLine(
                $"{queries[q].Name}: wall {wall[wall.Length / 2]:N0} ms (rounds {string.Join(" / ", results[q].Select(r => r.Wall.ToString("N0", CultureInfo.InvariantCulture)))} ms), "
                + $"client CPU {results[q].Select(r => r.Cpu).Order().ElementAt(wall.Length / 2):N0} ms, server CPU {results[q].Select(r => r.Server).Order().ElementAt(wall.Length / 2):N0} ms");
        }
    }

    private sealed class Source(Func<AccessScope, IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>>> read) : IPipelineRowSource
    {
        public IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The measurement reads batches.");

        public IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadPipelineRowBatchesAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) => read(scope);
    }
}
