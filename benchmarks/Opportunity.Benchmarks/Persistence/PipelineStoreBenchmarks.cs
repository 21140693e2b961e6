using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using DuckDB.NET.Data;
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
        var expected = Data.Postgres.PushDown.AggregatePipelineAsync(Scope, PartnerByStage).GetAwaiter().GetResult();
        var snapshot = PipelineSnapshot.FromStoreAsync(Data.Sqlite.Opportunities, Scope).GetAwaiter().GetResult();
        using var fromSnapshot = snapshot.Group(PartnerByStage);
        if (snapshot.Count != Rows || !expected.SequenceEqual(fromSnapshot.Groups) || !expected.SequenceEqual(Data.Sqlite.PushDown.AggregatePipelineAsync(Scope, PartnerByStage).GetAwaiter().GetResult()))
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
    public async Task<int> PostgreSqlPushDown() => (await Data.Postgres.PushDown.AggregatePipelineAsync(Scope, PartnerByStage)).Count;

    [Benchmark(Description = "PostgreSQL snapshot load (binary COPY)")]
    public async Task<int> PostgreSqlSnapshotLoad() => (await PipelineSnapshot.FromStoreAsync(Data.Postgres.Opportunities, Scope)).Count;

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
    public async Task<int> SqlitePushDown() => (await Data.Sqlite.PushDown.AggregatePipelineAsync(Scope, PartnerByStage)).Count;

    [Benchmark(Description = "DuckDB GROUP BY, same rows (in memory)")]
    public int DuckDbGroupBy()
    {
        using var command = Data.Duck.CreateCommand();
        command.CommandText = "SELECT partner, stage, currency, count(*), sum(amount_minor), sum(amount_minor * probability_bp) FROM narrow GROUP BY 1, 2, 3;";
        using var reader = command.ExecuteReader();
        var groups = 0;
        while (reader.Read())
        {
            groups += reader.GetFieldValue<System.Numerics.BigInteger>(5) >= 0 ? 1 : 0;
        }

        return groups;
    }

    [Benchmark(Description = "SQLite snapshot load")]
    public async Task<int> SqliteSnapshotLoad() => (await PipelineSnapshot.FromStoreAsync(Data.Sqlite.Opportunities, Scope)).Count;

    /// <summary>
    /// The rows in both stores and the narrow tables beside them (and in DuckDB). The first 10^6 rows
    /// go in through each store's own import; larger counts copy them inside each database with new
    /// ids (same partners, stages, amounts and dates; the document's id follows). With
    /// OPPORTUNITY_BENCH_KEEP=1 the schema and the file are named by the row count and kept, and a
    /// later run with the same count reuses them (the stores still apply any new migration to them).
    /// </summary>
    private sealed class StoredData : IDisposable
    {
        private const int ImportedRows = 1_000_000;
        private readonly bool _keep;
        private bool _disposed;

        private StoredData(int rows, bool keep)
        {
            Rows = rows;
            _keep = keep;
            Schema = keep ? $"pipe_keep_{rows}" : "pipe_" + Guid.NewGuid().ToString("N");
            SqlitePath = Path.Combine(Path.GetTempPath(), keep ? $"pipeline-bench-keep-{rows}.db" : $"pipeline-bench-{Guid.NewGuid():N}.db");
            PostgresSource = NpgsqlDataSource.Create(PersistenceBenchmarkData.Postgres + ";Command Timeout=0");

            // The store reads as an application role when there is one (row-level security as in production),
            // migrating with the owner; no command timeout: a copy of 10^6 rows outlasts the default 30 s on a busy machine.
            var app = Environment.GetEnvironmentVariable("OPPORTUNITY_POSTGRES_APP");
            var options = new PostgreSqlStoreOptions
            {
                ConnectionString = (app is { Length: > 0 } ? app : PersistenceBenchmarkData.Postgres) + ";Command Timeout=0",
                MigrationConnectionString = PersistenceBenchmarkData.Postgres + ";Command Timeout=0",
                Schema = Schema,
            };
            if (app is { Length: > 0 })
            {
                options.GrantTo.Add(new NpgsqlConnectionStringBuilder(app).Username!);
            }

            Postgres = new PostgreSqlStore(options);
            Sqlite = new SqliteStore(SqlitePath);
            SqliteFile = new SqliteConnection($"Data Source={SqlitePath}");
            SqliteNarrow = new SqliteConnection($"Data Source={NarrowPath}");
            Duck = new DuckDBConnection("Data Source=:memory:");
        }

        public int Rows { get; }

        public string Schema { get; }

        public string SqlitePath { get; }

        public NpgsqlDataSource PostgresSource { get; }

        public PostgreSqlStore Postgres { get; }

        public SqliteStore Sqlite { get; }

        /// <summary>The store's file, for seeding and sizes.</summary>
        public SqliteConnection SqliteFile { get; }

        /// <summary>The narrow table in a file of its own, so that each file's size is one table's.</summary>
        public SqliteConnection SqliteNarrow { get; }

        private string NarrowPath => SqlitePath[..^3] + "-narrow.db";

        public DuckDBConnection Duck { get; }

        public static StoredData Create(int rows)
        {
            var data = new StoredData(rows, Environment.GetEnvironmentVariable("OPPORTUNITY_BENCH_KEEP") == "1");
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
            Postgres.MigrateAsync().GetAwaiter().GetResult();
            Sqlite.MigrateAsync().GetAwaiter().GetResult();
            SqliteFile.Open();
            SqliteNarrow.Open();
            if (PostgresScalar($"SELECT count(*) FROM pg_tables WHERE schemaname = '{Schema}' AND tablename = 'narrow';") == 0 || PostgresScalar($"SELECT count(*) FROM {Schema}.narrow;") != Rows)
            {
                var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                SeedPostgres();
                Console.WriteLine($"// PostgreSQL seeded with {Rows:N0} rows in {stopwatch.Elapsed.TotalSeconds:F0} s");
            }

            // (Earlier versions of this benchmark kept the narrow copy inside the store's file.)
            SqliteExecute(SqliteFile, "DROP TABLE IF EXISTS narrow;");
            if (SqliteScalar(SqliteFile, "SELECT count(*) FROM opportunities;") != Rows)
            {
                var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                SeedSqlite();
                Console.WriteLine($"// SQLite seeded with {Rows:N0} rows in {stopwatch.Elapsed.TotalSeconds:F0} s");
            }

            if (SqliteScalar(SqliteNarrow, "SELECT count(*) FROM sqlite_master WHERE name = 'narrow';") == 0 || SqliteScalar(SqliteNarrow, "SELECT count(*) FROM narrow;") != Rows)
            {
                SqliteExecute(SqliteNarrow, $"DROP TABLE IF EXISTS narrow; ATTACH '{SqlitePath}' AS store; CREATE TABLE narrow AS SELECT partner, stage, currency, amount_minor, probability_bp FROM store.opportunities; DETACH store; ANALYZE;");
            }

            Console.WriteLine($"// PostgreSQL bytes per deal (table, TOAST and indexes): opportunities {PostgresScalar($"SELECT pg_total_relation_size('{Schema}.opportunities');") / (double)Rows:F0}, of which the pipeline index {PostgresScalar($"SELECT pg_relation_size('{Schema}.opportunities_pipeline');") / (double)Rows:F0}; narrow {PostgresScalar($"SELECT pg_total_relation_size('{Schema}.narrow');") / (double)Rows:F0}");
            Console.WriteLine($"// SQLite bytes per deal (the store's file, in use pages): {SqliteScalar(SqliteFile, "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size();") / (double)Rows:F0}; narrow {SqliteScalar(SqliteNarrow, "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size();") / (double)Rows:F0}");

            // DuckDB reads the same rows: the narrow columns (integers, exact sums in HUGEINT), loaded from the narrow SQLite copy.
            Duck.Open();
            using (var create = Duck.CreateCommand())
            {
                create.CommandText = "CREATE TABLE narrow (partner VARCHAR NOT NULL, stage VARCHAR NOT NULL, currency VARCHAR NOT NULL, amount_minor BIGINT NOT NULL, probability_bp SMALLINT NOT NULL);";
                create.ExecuteNonQuery();
            }

            using (var appender = Duck.CreateAppender("narrow"))
            using (var read = SqliteNarrow.CreateCommand())
            {
                read.CommandText = "SELECT partner, stage, currency, amount_minor, probability_bp FROM narrow;";
                using var reader = read.ExecuteReader();
                while (reader.Read())
                {
                    appender.CreateRow().AppendValue(reader.GetString(0)).AppendValue(reader.GetString(1)).AppendValue(reader.GetString(2)).AppendValue((long?)reader.GetInt64(3)).AppendValue((short?)reader.GetInt16(4)).EndRow();
                }
            }
        }

        /// <summary>The first rows through the store's import, copies of them with new ids after (one transaction per copy), then the narrow table.</summary>
        private void SeedPostgres()
        {
            PostgresExecute($"DROP TABLE IF EXISTS {Schema}.narrow; SELECT set_config('opportunity.system', 'on', false); DELETE FROM {Schema}.opportunities; SELECT set_config('opportunity.system', 'off', false);");
            var imported = Imported();
            Check(Postgres.Importer.ImportAsync(PersistenceBenchmarkData.Opportunities(imported, openOnly: true)).GetAwaiter().GetResult());
            var columns = PostgresColumns();
            for (var copy = 1; copy < Rows / imported; copy++)
            {
                // The owner writes as the benchmark's tenant (row-level security is forced on the owner too).
                PostgresExecute($"""
                    BEGIN;
                    SELECT set_config('opportunity.tenant', 'bench', true);
                    INSERT INTO {Schema}.opportunities ({string.Join(", ", columns)})
                    SELECT {string.Join(", ", columns.Select(c => c switch
                    {
                        "id" => $"id || '.{copy}'",
                        "document" => $"jsonb_set(document, '{{id}}', to_jsonb(id || '.{copy}'))",
                        _ => c,
                    }))}
                    FROM {Schema}.opportunities WHERE strpos(id, '.') = 0;
                    COMMIT;
                    """);
                Console.WriteLine($"// PostgreSQL: {(copy + 1) * imported:N0} rows");
            }

            PostgresExecute($"BEGIN; SELECT set_config('opportunity.tenant', 'bench', true); CREATE TABLE {Schema}.narrow AS SELECT partner, stage, currency, amount_minor, probability_bp FROM {Schema}.opportunities; COMMIT;");
            PostgresExecute($"VACUUM ANALYZE {Schema}.opportunities;");
            PostgresExecute($"VACUUM ANALYZE {Schema}.narrow;");
        }

        private void SeedSqlite()
        {
            SqliteExecute(SqliteFile, "DROP TABLE IF EXISTS narrow; DELETE FROM opportunities;");
            var imported = Imported();
            Check(Sqlite.Importer.ImportAsync(PersistenceBenchmarkData.Opportunities(imported, openOnly: true)).GetAwaiter().GetResult());
            var columns = SqliteColumns();
            for (var copy = 1; copy < Rows / imported; copy++)
            {
                SqliteExecute(SqliteFile, $"""
                    BEGIN;
                    INSERT INTO opportunities ({string.Join(", ", columns)})
                    SELECT {string.Join(", ", columns.Select(c => c switch
                    {
                        "id" => $"id || '.{copy}'",
                        "document" => $"json_set(document, '$.id', id || '.{copy}')",
                        _ => c,
                    }))}
                    FROM opportunities WHERE instr(id, '.') = 0;
                    COMMIT;
                    """);
                Console.WriteLine($"// SQLite: {(copy + 1) * imported:N0} rows");
            }

            SqliteExecute(SqliteFile, "ANALYZE;");
        }

        private int Imported() =>
            Rows % Math.Min(Rows, ImportedRows) == 0 ? Math.Min(Rows, ImportedRows) : throw new InvalidOperationException($"Row counts above {ImportedRows:N0} must be multiples of it.");

        private static void Check(ValidationResult<int> result)
        {
            if (!result.IsValid)
            {
                throw new InvalidOperationException(string.Join("; ", result.Errors));
            }
        }

        /// <summary>The stored columns of the opportunities table (generated ones excluded).</summary>
        private List<string> PostgresColumns()
        {
            using var connection = PostgresSource.OpenConnection();
            using var command = new NpgsqlCommand($"SELECT column_name FROM information_schema.columns WHERE table_schema = '{Schema}' AND table_name = 'opportunities' AND is_generated = 'NEVER' ORDER BY ordinal_position;", connection);
            using var reader = command.ExecuteReader();
            var columns = new List<string>();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }

            return columns;
        }

        private List<string> SqliteColumns()
        {
            using var command = SqliteFile.CreateCommand();
            command.CommandText = "SELECT name FROM pragma_table_xinfo('opportunities') WHERE hidden = 0 ORDER BY cid;";
            using var reader = command.ExecuteReader();
            var columns = new List<string>();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }

            return columns;
        }

        private long PostgresScalar(string sql)
        {
            using var connection = PostgresSource.OpenConnection();
            using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        private void PostgresExecute(string sql)
        {
            using var connection = PostgresSource.OpenConnection();
            using var command = new NpgsqlCommand(sql, connection);
            command.ExecuteNonQuery();
        }

        private static long SqliteScalar(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        private static void SqliteExecute(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = 0;
            command.ExecuteNonQuery();
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Duck.Dispose();
            SqliteNarrow.Dispose();
            SqliteFile.Dispose();
            Sqlite.Dispose();
            Postgres.Dispose();
            if (!_keep)
            {
                PostgresExecute($"DROP SCHEMA IF EXISTS {Schema} CASCADE;");
            }

            PostgresSource.Dispose();
            SqliteConnection.ClearAllPools();
            if (!_keep)
            {
                foreach (var file in new[] { SqlitePath, SqlitePath + "-wal", SqlitePath + "-shm", NarrowPath })
                {
                    File.Delete(file);
                }
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
