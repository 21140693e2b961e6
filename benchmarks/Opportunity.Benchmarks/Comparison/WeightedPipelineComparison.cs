using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Opportunity.Benchmarks.Forecasting;
using Opportunity.Forecasting;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Comparison;

/// <summary>
/// Weighted pipeline by partner × stage over the same generated rows, side by side with what a
/// developer would pick instead: LINQ over domain objects (baseline), SQLite, DuckDB, PostgreSQL's
/// push-down (only with OPPORTUNITY_POSTGRES), and the memory-bandwidth floor. Every contender's
/// answer is checked equal to the snapshot's (exactly, so to the cent) in its [GlobalSetup].
/// Rows: 10^5 / 10^6 / 10^7 in rows ÷ 100 partners; OPPORTUNITY_BENCH_ROWS=100000 restricts the sizes.
/// The live pipeline's incremental update and reads are <see cref="LivePipelineBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class WeightedPipelineComparison
{
    private static readonly Opportunity.TenantId Tenant = new("bench");
    private PipelineSnapshot _snapshot = null!;
    private CrmOpportunity[] _crm = null!;
    private SqliteConnection? _sqlite;
    private DuckDBConnection? _duck;
    private PostgreSqlStore? _postgres;
    private string _schema = string.Empty;

    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    public static IEnumerable<int> RowCounts() => ComparisonData.RowCounts();

    private PartnerNetwork SetupSnapshot()
    {
        var network = ComparisonData.Network(Rows);
        _snapshot = network.ToSnapshot();
        Console.WriteLine($"// {_snapshot.Count:N0} deals, {_snapshot.PartnerCount:N0} partners, snapshot {_snapshot.BytesPerOpportunity:F2} bytes per deal");
        return network;
    }

    [GlobalSetup(Targets = [nameof(SnapshotPartnerByStage), nameof(SnapshotQuarterByCategory), nameof(Floor)])]
    public void Setup()
    {
        SetupSnapshot();
        using var byStage = _snapshot.Group(PipelineDimension.Partner, PipelineDimension.Stage);
        using var byQuarter = _snapshot.Group(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory);
        if (byStage.Count != byQuarter.Count || !byStage.CurrencyTotals.Select(t => (t.AmountMinorUnits, t.Weighted)).SequenceEqual(byQuarter.CurrencyTotals.Select(t => (t.AmountMinorUnits, t.Weighted))))
        {
            throw new InvalidOperationException("quarter × category and partner × stage disagree on the currency totals.");
        }
    }

    [GlobalSetup(Target = nameof(Linq))]
    public void SetupLinq()
    {
        var network = SetupSnapshot();
        var before = GC.GetTotalMemory(true);
        _crm = ForecastBenchmarkData.CrmObjects(network);
        PrintBytes("CRM objects", GC.GetTotalMemory(true) - before);
        ComparisonData.CheckEqual("LINQ", ComparisonData.FromSnapshot(_snapshot), Linq().Select(g => ComparisonData.FromDecimals(g.Partner, g.Stage, g.Currency, g.Count, g.Amount, g.Weighted)));
    }

    [GlobalSetup(Target = nameof(Sqlite))]
    public void SetupSqlite()
    {
        var network = SetupSnapshot();
        _sqlite = new SqliteConnection("Data Source=:memory:");
        _sqlite.Open();
        Execute(_sqlite, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; CREATE TABLE deals (partner TEXT NOT NULL, stage TEXT NOT NULL, currency TEXT NOT NULL, amount_minor INTEGER NOT NULL, probability_bp INTEGER NOT NULL);");
        using (var tx = _sqlite.BeginTransaction())
        using (var insert = _sqlite.CreateCommand())
        {
            insert.CommandText = "INSERT INTO deals VALUES ($p, $s, $c, $a, $b)";
            var p = insert.Parameters.Add("$p", SqliteType.Text);
            var s = insert.Parameters.Add("$s", SqliteType.Text);
            var c = insert.Parameters.Add("$c", SqliteType.Text);
            var a = insert.Parameters.Add("$a", SqliteType.Integer);
            var b = insert.Parameters.Add("$b", SqliteType.Integer);
            insert.Prepare();
            foreach (var o in network.Opportunities())
            {
                p.Value = o.Partner.Value;
                s.Value = o.Stage.Name;
                c.Value = o.Amount.Currency.Code;
                a.Value = o.Amount.MinorUnits;
                b.Value = o.Probability.BasisPoints;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        PrintBytes("SQLite database", Scalar(_sqlite, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"));
        ComparisonData.CheckEqual("SQLite", ComparisonData.FromSnapshot(_snapshot), Sqlite().Select(g => new ExactGroup(g.Partner, g.Stage, g.Currency, g.Count, g.AmountMinor, g.WeightedScaled)));
    }

    [GlobalSetup(Target = nameof(DuckDb))]
    public void SetupDuckDb()
    {
        var network = SetupSnapshot();
        _duck = new DuckDBConnection("Data Source=:memory:");
        _duck.Open();
        Execute(_duck, "CREATE TABLE deals (partner VARCHAR NOT NULL, stage VARCHAR NOT NULL, currency VARCHAR NOT NULL, amount DECIMAL(18,2) NOT NULL, probability DECIMAL(5,4) NOT NULL);");
        using (var appender = _duck.CreateAppender("deals"))
        {
            foreach (var o in network.Opportunities())
            {
                appender.CreateRow()
                    .AppendValue(o.Partner.Value)
                    .AppendValue(o.Stage.Name)
                    .AppendValue(o.Amount.Currency.Code)
                    .AppendValue((decimal?)o.Amount.Amount)
                    .AppendValue((decimal?)o.Probability.Value)
                    .EndRow();
            }
        }

        PrintBytes("DuckDB memory", Scalar(_duck, "SELECT sum(memory_usage_bytes)::BIGINT FROM duckdb_memory()"));
        ComparisonData.CheckEqual("DuckDB", ComparisonData.FromSnapshot(_snapshot), DuckDb().Select(g => ComparisonData.FromDecimals(g.Partner, g.Stage, g.Currency, g.Count, g.Amount, g.Weighted)));
    }

    [GlobalSetup(Target = nameof(PostgreSqlPushDown))]
    public void SetupPostgreSql()
    {
        var network = SetupSnapshot();
        _schema = "cmp_" + Guid.NewGuid().ToString("N");
        _postgres = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = Postgres!, Schema = _schema });
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 6, 9, 0));
        var result = _postgres.Importer.ImportAsync(network.OpenOpportunities(Tenant, clock).Select(o => o.ToSnapshot())).GetAwaiter().GetResult();
        if (!result.IsValid)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }

        using (var connection = new NpgsqlConnection(Postgres))
        {
            connection.Open();
            using var analyze = new NpgsqlCommand($"ANALYZE {_schema}.opportunities;", connection);
            analyze.ExecuteNonQuery();
            PrintBytes("PostgreSQL opportunities table with indexes", Scalar(connection, $"SELECT pg_total_relation_size('{_schema}.opportunities')"));
        }

        var rows = PostgreSqlPushDown().GetAwaiter().GetResult();
        ComparisonData.CheckEqual("PostgreSQL", ComparisonData.FromSnapshot(_snapshot), rows.Select(r => new ExactGroup(r.First!, r.Second!, r.Currency.Code, r.Count, r.AmountMinorUnits, r.Weighted.Scaled)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sqlite?.Dispose();
        _duck?.Dispose();
        if (_postgres is not null)
        {
            _postgres.Dispose();
            using var connection = new NpgsqlConnection(Postgres);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE;", connection);
            drop.ExecuteNonQuery();
        }
    }

    [Benchmark(Baseline = true, Description = "LINQ GroupBy, decimal")]
    public List<(string Partner, string Stage, string Currency, int Count, decimal Amount, decimal Weighted)> Linq() =>
        ForecastBenchmarkData.LinqPartnerByStage(_crm);

    /// <summary>Full recompute; the result is disposed (its buffers go back to the pool, as a refreshing dashboard would do).</summary>
    [Benchmark(Description = "Snapshot partner × stage")]
    public int SnapshotPartnerByStage()
    {
        using var totals = _snapshot.Group(PipelineDimension.Partner, PipelineDimension.Stage);
        return totals.Groups.Count;
    }

    [Benchmark(Description = "Snapshot quarter × category")]
    public int SnapshotQuarterByCategory()
    {
        using var totals = _snapshot.Group(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory);
        return totals.Groups.Count;
    }

    [Benchmark(Description = "SQLite GROUP BY, integers")]
    public List<(string Partner, string Stage, string Currency, long Count, long AmountMinor, long WeightedScaled)> Sqlite()
    {
        using var command = _sqlite!.CreateCommand();
        command.CommandText = "SELECT partner, stage, currency, count(*), sum(amount_minor), sum(amount_minor * probability_bp) FROM deals GROUP BY partner, stage, currency";
        using var reader = command.ExecuteReader();
        var result = new List<(string, string, string, long, long, long)>();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }

        return result;
    }

    [Benchmark(Description = "DuckDB GROUP BY, DECIMAL")]
    public List<(string Partner, string Stage, string Currency, long Count, decimal Amount, decimal Weighted)> DuckDb()
    {
        using var command = _duck!.CreateCommand();
        command.CommandText = "SELECT partner, stage, currency, count(*), sum(amount), sum(amount * probability) FROM deals GROUP BY partner, stage, currency";
        using var reader = command.ExecuteReader();
        var result = new List<(string, string, string, long, decimal, decimal)>();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetDecimal(4), reader.GetDecimal(5)));
        }

        return result;
    }

    [Benchmark(Description = "PostgreSQL push-down")]
    [BenchmarkCategory(PostgresCategory)]
    public Task<IReadOnlyList<PipelineGroupTotal>> PostgreSqlPushDown() =>
        _postgres!.PushDown!.AggregatePipelineAsync(Opportunity.AccessScope.Manufacturer(Tenant), PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage));

    [Benchmark(Description = "Floor: read the 4 columns once")]
    public long Floor() => ColumnFloor.Read(_snapshot);

    private const string PostgresCategory = "postgres";

    private static string? Postgres => Environment.GetEnvironmentVariable("OPPORTUNITY_POSTGRES") is { Length: > 0 } v ? v : null;

    private void PrintBytes(string what, long bytes) =>
        Console.WriteLine($"// {what}: {bytes / 1048576.0:N1} MiB, {bytes / (double)Rows:F1} bytes per deal");

    private static long Scalar(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Leaves the PostgreSQL case out (instead of failing) when no server is configured.</summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddFilter(new SimpleFilter(b => Postgres is not null || !b.Descriptor.Categories.Contains(PostgresCategory)));
    }
}
