using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Npgsql;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.Sqlite;
using Opportunity.Pipelines;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// Importing 1,000,000 opportunities in one all-or-nothing batch (IOpportunityImporter): SQLite
/// (prepared INSERTs in one transaction, WAL) and PostgreSQL (binary COPY into a staging table,
/// one INSERT … SELECT under row-level security). Each invocation starts from an empty database.
/// Rows per second = rows / mean time. PostgreSQL needs OPPORTUNITY_POSTGRES.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class BulkImportBenchmarks
{
    private List<SalesOpportunitySnapshot> _rows = [];
    private string _folder = string.Empty;
    private SqliteStore? _sqlite;
    private PostgreSqlStore? _postgres;
    private string _schema = string.Empty;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup() => _rows = PersistenceBenchmarkData.Opportunities(Rows);

    [IterationSetup(Target = nameof(Sqlite))]
    public void SetupSqlite()
    {
        _folder = Path.Combine(Path.GetTempPath(), "opportunity-bench", Guid.NewGuid().ToString("N"));
        _sqlite = new SqliteStore(Path.Combine(_folder, "bench.db"));
        _sqlite.MigrateAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup(Target = nameof(Sqlite))]
    public void CleanupSqlite()
    {
        _sqlite?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [IterationSetup(Target = nameof(PostgreSql))]
    public void SetupPostgreSql()
    {
        _schema = "bench_" + Guid.NewGuid().ToString("N");
        _postgres = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = PersistenceBenchmarkData.Postgres + ";Command Timeout=0", Schema = _schema });
        _postgres.MigrateAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup(Target = nameof(PostgreSql))]
    public void CleanupPostgreSql()
    {
        _postgres?.Dispose();
        using var connection = new NpgsqlConnection(PersistenceBenchmarkData.Postgres);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE;", connection);
        drop.ExecuteNonQuery();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Sqlite() => (await _sqlite!.Importer.ImportAsync(_rows)).Value;

    [Benchmark]
    public async Task<int> PostgreSql() => (await _postgres!.Importer.ImportAsync(_rows)).Value;

    /// <summary>
    /// In process with a one-hour limit (one invocation imports the whole file; the default
    /// in-process limit refuses it), one launch, 1 warm-up and 3 measured iterations; the SQL
    /// statements of a 10^6-row import run without a command timeout.
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true)));
    }
}
