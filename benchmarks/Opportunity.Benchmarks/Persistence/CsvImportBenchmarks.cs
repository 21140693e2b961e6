using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NodaTime;
using Npgsql;
using Opportunity.Benchmarks.Comparison;
using Opportunity.Import;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.Sqlite;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// The sample's <c>import</c>: a CSV file of 1,000,000 rows (OPPORTUNITY_BENCH_ROWS picks other
/// sizes) read, validated and imported with <see cref="OpportunityCsvImporter.ImportAsync"/> —
/// rows, 200 new partners and the import's event (<c>SqlitePerRowEvents</c>: every row's events) in one
/// all-or-nothing transaction. Baseline: the
/// same file read and validated without a store. Every iteration starts from an empty database;
/// SQLite keeps its durable settings (WAL, the store's <c>synchronous</c> level). PostgreSQL needs
/// OPPORTUNITY_POSTGRES. Rows per second = rows / time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CsvImportBenchmarks
{
    private static readonly TenantId Tenant = new("bench");
    private static readonly IClock Clock = NodaTime.Testing.FakeClock.FromUtc(2025, 1, 6, 9, 0, 0);

    private string _file = string.Empty;
    private string _folder = string.Empty;
    private SqliteStore? _sqlite;
    private PostgreSqlStore? _postgres;
    private string _schema = string.Empty;

    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    /// <summary>1,000,000 rows unless OPPORTUNITY_BENCH_ROWS names others (comma-separated).</summary>
    public static IEnumerable<int> RowCounts() =>
        Environment.GetEnvironmentVariable(ComparisonData.RowsVariable) is { Length: > 0 } value
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)
            : [1_000_000];

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), "opportunity-bench", $"import-{Rows}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        File.WriteAllText(_file, Csv(Rows));
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_file);

    [IterationSetup(Targets = [nameof(Sqlite), nameof(SqlitePerRowEvents)])]
    public void SetupSqlite()
    {
        _folder = Path.Combine(Path.GetTempPath(), "opportunity-bench", Guid.NewGuid().ToString("N"));
        _sqlite = new SqliteStore(Path.Combine(_folder, "bench.db"));
        _sqlite.MigrateAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup(Targets = [nameof(Sqlite), nameof(SqlitePerRowEvents)])]
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

    /// <summary>Read and validate only (no store): what every import costs before it writes.</summary>
    [Benchmark(Baseline = true)]
    public int Parse()
    {
        using var reader = new StreamReader(_file);
        return Check(OpportunityCsvImporter.Parse(reader, new OpportunityCsvOptions(Tenant), Clock)).Rows.Count;
    }

    [Benchmark]
    public async Task<int> Sqlite()
    {
        using var reader = new StreamReader(_file);
        return Check(await OpportunityCsvImporter.ImportAsync(reader, _sqlite!.Importer, _sqlite!.Partners, new OpportunityCsvOptions(Tenant), Clock)).Imported;
    }

    /// <summary>As <see cref="Sqlite"/> with every row's events in the outbox (<see cref="OpportunityCsvOptions.PerRowEvents"/>; 0.2.0's only way).</summary>
    [Benchmark]
    public async Task<int> SqlitePerRowEvents()
    {
        using var reader = new StreamReader(_file);
        return Check(await OpportunityCsvImporter.ImportAsync(reader, _sqlite!.Importer, _sqlite!.Partners, new OpportunityCsvOptions(Tenant) { PerRowEvents = true }, Clock)).Imported;
    }

    [Benchmark]
    public async Task<int> PostgreSql()
    {
        using var reader = new StreamReader(_file);
        return Check(await OpportunityCsvImporter.ImportAsync(reader, _postgres!.Importer, _postgres.Partners, new OpportunityCsvOptions(Tenant), Clock)).Imported;
    }

    private OpportunityImport Check(ValidationResult<OpportunityImport> result) =>
        result.IsValid && result.Value.Rows.Count == Rows ? result.Value : throw Failed(result.Errors);

    private OpportunityImportSummary Check(ValidationResult<OpportunityImportSummary> result) =>
        result.IsValid && result.Value.Imported == Rows ? result.Value : throw Failed(result.Errors);

    private static InvalidOperationException Failed(IReadOnlyList<ValidationError> errors) =>
        new($"The import failed: {string.Join("; ", errors.Take(3))}");

    /// <summary>A seeded file in the canonical header: all stages, 200 partners, two currencies, some overrides.</summary>
    public static string Csv(int rows, int seed = 7)
    {
        var random = new Random(seed);
        var stages = new[] { "Qualification", "Needs analysis", "Proposal", "Negotiation", "Closed won", "Closed lost" };
        var text = new StringBuilder(rows * 110);
        text.Append(OpportunityCsvImporter.CanonicalHeader).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            var stage = stages[random.Next(stages.Length)];
            var open = !stage.StartsWith("Closed", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"opp-{i:D7},partner-{random.Next(200):D3},{stage},{random.Next(1_000, 50_000_000) / 100m},{(random.Next(10) == 0 ? "USD" : "EUR")},")
                .Append(CultureInfo.InvariantCulture, $"2025-{1 + random.Next(12):D2}-{1 + random.Next(28):D2},{(open && random.Next(4) == 0 ? "0.35" : string.Empty)},,DE-South,heat-pumps\n");
        }

        return text.ToString();
    }

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
