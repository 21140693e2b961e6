using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Data.Sqlite;
using Npgsql;
using Opportunity.Forecasting;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.Sqlite;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// The weighted pipeline where the deals live, 10^6 open deals (OPPORTUNITY_BENCH_ROWS changes it)
/// stored once in PostgreSQL and in a SQLite file with the stores' own import: the snapshot loaded
/// from each store (<see cref="PipelineSnapshot.FromStoreAsync"/>, streamed from the pipeline
/// columns; PostgreSQL by binary COPY), and partner × stage pushed down
/// (<c>IPipelinePushDown</c>) side by side with the exact <c>GROUP BY</c> a DBA would write over a
/// narrow table of the same rows (baseline). In process, so the data is imported once for every
/// case; the setup checks each push-down equal, to the unit, to the snapshot's groups. Needs
/// OPPORTUNITY_POSTGRES.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PipelineStoreBenchmarks
{
    private static readonly AccessScope Scope = AccessScope.Manufacturer(new TenantId("bench"));
    private static readonly PipelineGrouping PartnerByStage = PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage);
    private static StoredData? _data;

    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    public static IEnumerable<int> RowCounts() =>
        Environment.GetEnvironmentVariable("OPPORTUNITY_BENCH_ROWS") is { Length: > 0 } rows
            ? rows.Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))
            : [1_000_000];

    private StoredData Data => _data!;

    [GlobalSetup]
    public void Setup()
    {
        if (_data?.Rows == Rows)
        {
            return;
        }

        _data?.Dispose();
        _data = StoredData.Create(Rows);
        var expected = Data.Postgres.AggregatePipelineAsync(Scope, PartnerByStage).GetAwaiter().GetResult();
        var snapshot = PipelineSnapshot.FromStoreAsync(Data.Sqlite, Scope).GetAwaiter().GetResult();
        using var fromSnapshot = snapshot.Group(PartnerByStage);
        if (snapshot.Count != Rows || !expected.SequenceEqual(fromSnapshot.Groups) || !expected.SequenceEqual(Data.Sqlite.AggregatePipelineAsync(Scope, PartnerByStage).GetAwaiter().GetResult()))
        {
            throw new InvalidOperationException("The push-downs and the snapshot disagree.");
        }

        Console.WriteLine($"// {Rows:N0} open deals, {expected.Count} partner × stage × currency groups");
    }

    [Benchmark(Baseline = true, Description = "PostgreSQL hand-written GROUP BY, narrow table")]
    public async Task<int> PostgreSqlNarrowGroupBy()
    {
        await using var connection = await Data.PostgresSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT partner, stage, currency, count(*), sum(amount_minor)::text, sum(amount_minor * probability_bp)::text FROM {Data.Schema}.narrow GROUP BY 1, 2, 3;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var groups = 0;
        while (await reader.ReadAsync())
        {
            groups += Int128.Parse(reader.GetString(5), CultureInfo.InvariantCulture) >= 0 ? 1 : 0;
        }

        return groups;
    }

    [Benchmark(Description = "PostgreSQL push-down partner × stage")]
    public async Task<int> PostgreSqlPushDown() => (await Data.Postgres.AggregatePipelineAsync(Scope, PartnerByStage)).Count;

    [Benchmark(Description = "PostgreSQL snapshot load (binary COPY)")]
    public async Task<int> PostgreSqlSnapshotLoad() => (await PipelineSnapshot.FromStoreAsync(Data.Postgres, Scope)).Count;

    [Benchmark(Description = "SQLite hand-written GROUP BY, narrow table")]
    public int SqliteNarrowGroupBy()
    {
        using var command = Data.SqliteNarrow.CreateCommand();
        command.CommandText = "SELECT partner, stage, currency, count(*), sum(amount_minor), sum(amount_minor * probability_bp) FROM narrow GROUP BY 1, 2, 3;";
        using var reader = command.ExecuteReader();
        var groups = 0;
        while (reader.Read())
        {
            groups += reader.GetInt64(5) >= 0 ? 1 : 0;
        }

        return groups;
    }

    [Benchmark(Description = "SQLite push-down partner × stage")]
    public async Task<int> SqlitePushDown() => (await Data.Sqlite.AggregatePipelineAsync(Scope, PartnerByStage)).Count;

    [Benchmark(Description = "SQLite snapshot load")]
    public async Task<int> SqliteSnapshotLoad() => (await PipelineSnapshot.FromStoreAsync(Data.Sqlite, Scope)).Count;

    /// <summary>The rows in both stores (imported once per process) and the narrow tables beside them.</summary>
    private sealed class StoredData : IDisposable
    {
        private bool _disposed;

        private StoredData(int rows, string schema, string sqlitePath)
        {
            Rows = rows;
            Schema = schema;
            SqlitePath = sqlitePath;
            PostgresSource = NpgsqlDataSource.Create(PersistenceBenchmarkData.Postgres);
            // No command timeout: the import of 10^6 rows is one statement that outlasts the default 30 s on a busy machine.
            Postgres = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = PersistenceBenchmarkData.Postgres + ";Command Timeout=0", Schema = schema });
            Sqlite = new SqliteStore(sqlitePath);
            SqliteNarrow = new SqliteConnection($"Data Source={sqlitePath}");
        }

        public int Rows { get; }

        public string Schema { get; }

        public string SqlitePath { get; }

        public NpgsqlDataSource PostgresSource { get; }

        public PostgreSqlStore Postgres { get; }

        public SqliteStore Sqlite { get; }

        public SqliteConnection SqliteNarrow { get; }

        public static StoredData Create(int rows)
        {
            var data = new StoredData(rows, "pipe_" + Guid.NewGuid().ToString("N"), Path.Combine(Path.GetTempPath(), $"pipeline-bench-{Guid.NewGuid():N}.db"));
            AppDomain.CurrentDomain.ProcessExit += (_, _) => data.Dispose();
            try
            {
                data.Fill();
            }
            catch
            {
                data.Dispose();
                throw;
            }

            return data;
        }

        private void Fill()
        {
            var data = this;
            var rows = Rows;
            var deals = PersistenceBenchmarkData.Opportunities(rows, openOnly: true);
            foreach (var result in new[] { data.Postgres.ImportAsync(deals).GetAwaiter().GetResult(), data.Sqlite.ImportAsync(deals).GetAwaiter().GetResult() })
            {
                if (!result.IsValid)
                {
                    throw new InvalidOperationException(string.Join("; ", result.Errors));
                }
            }

            using (var connection = data.PostgresSource.OpenConnection())
            {
                // The owner reads every tenant's rows for the copy (row-level security is forced on the owner too).
                foreach (var sql in new[]
                {
                    $"BEGIN; SELECT set_config('opportunity.tenant', 'bench', true); CREATE TABLE {data.Schema}.narrow AS SELECT partner, stage, currency, amount_minor, probability_bp FROM {data.Schema}.opportunities; COMMIT;",
                    $"VACUUM ANALYZE {data.Schema}.opportunities;",
                    $"VACUUM ANALYZE {data.Schema}.narrow;",
                })
                {
                    using var narrow = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
                    narrow.ExecuteNonQuery();
                }

                using var size = new NpgsqlCommand($"SELECT pg_total_relation_size('{data.Schema}.opportunities'), pg_total_relation_size('{data.Schema}.narrow');", connection);
                using var reader = size.ExecuteReader();
                reader.Read();
                Console.WriteLine($"// PostgreSQL bytes per deal: opportunities {reader.GetInt64(0) / (double)rows:F0}, narrow {reader.GetInt64(1) / (double)rows:F0}");
            }

            data.SqliteNarrow.Open();
            using (var narrow = data.SqliteNarrow.CreateCommand())
            {
                narrow.CommandText = "CREATE TABLE narrow AS SELECT partner, stage, currency, amount_minor, probability_bp FROM opportunities; ANALYZE;";
                narrow.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            SqliteNarrow.Dispose();
            Sqlite.Dispose();
            Postgres.Dispose();
            using (var connection = PostgresSource.OpenConnection())
            using (var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE;", connection))
            {
                drop.ExecuteNonQuery();
            }

            PostgresSource.Dispose();
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { SqlitePath, SqlitePath + "-wal", SqlitePath + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>In process (the stored data is shared by every case), one launch, 1 warm-up and 5 measured iterations of one full pass each.</summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true)));
    }
}
