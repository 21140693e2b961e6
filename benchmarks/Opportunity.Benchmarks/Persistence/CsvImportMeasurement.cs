using System.Diagnostics;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;
using Opportunity.Import;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.Sqlite;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// The CSV import's cost per row on a shared machine (docs/performance.md, "Import in 0.3.0, part 2"):
/// <see cref="CsvImportBenchmarks.Csv"/>'s seeded file of <c>rows</c> rows (default 10^6) read and
/// checked only (<c>Parse</c>), then imported whole with <see cref="OpportunityCsvImporter.ImportAsync"/>
/// into a fresh SQLite file (and, with <c>--postgres</c>, a fresh PostgreSQL schema of OPPORTUNITY_POSTGRES).
/// Prints for each the wall time, rows per second, the process's CPU time per row
/// (<see cref="Process.TotalProcessorTime"/>: every thread, the producers and the writer; PostgreSQL's
/// server not counted), the busiest thread's CPU per row (the writer or the producer's in-order check:
/// a lower bound of the time per row on any number of cores) and the load average around it; for SQLite also the file's bytes per row by
/// table and index (<c>dbstat</c>). <c>--per-row-events</c> imports with
/// <see cref="OpportunityCsvOptions.PerRowEvents"/>.
/// <code>dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- import-csv [rows] [--per-row-events] [--postgres] [--no-sqlite]</code>
/// </summary>
internal static class CsvImportMeasurement
{
    private static readonly TenantId Tenant = new("bench");
    private static readonly IClock Clock = NodaTime.Testing.FakeClock.FromUtc(2025, 1, 6, 9, 0, 0);

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 1_000_000;
        var options = new OpportunityCsvOptions(Tenant) { PerRowEvents = args.Contains("--per-row-events") };
        var folder = Path.Combine(Path.GetTempPath(), "opportunity-bench", "import-csv-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "import.csv");
        await File.WriteAllTextAsync(file, CsvImportBenchmarks.Csv(rows));
        Console.WriteLine($"{rows:N0} rows, per-row events: {options.PerRowEvents}");
        try
        {
            Measure("Parse (read + check, no store)", rows, () =>
            {
                using var reader = new StreamReader(file);
                Check(OpportunityCsvImporter.Parse(reader, options, Clock).IsValid);
                return Task.CompletedTask;
            });

            if (!args.Contains("--no-sqlite"))
            {
                var path = Path.Combine(folder, "import.db");
                using (var store = new SqliteStore(path))
                {
                    await store.MigrateAsync();
                    await MeasureAsync("SQLite (the whole import, one transaction)", rows, async () =>
                    {
                        using var reader = new StreamReader(file);
                        var result = await OpportunityCsvImporter.ImportAsync(reader, store.Importer, store.Partners, options, Clock);
                        Check(result.IsValid && result.Value.Imported == rows, result.Errors);
                    });
                }

                PrintSqliteSizes(path, rows);
            }

            if (args.Contains("--postgres"))
            {
                var schema = "bench_" + Guid.NewGuid().ToString("N");
                await using (var store = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = PersistenceBenchmarkData.Postgres + ";Command Timeout=0", Schema = schema }))
                {
                    await store.MigrateAsync();
                    await MeasureAsync("PostgreSQL (the whole import, one transaction; client CPU only)", rows, async () =>
                    {
                        using var reader = new StreamReader(file);
                        var result = await OpportunityCsvImporter.ImportAsync(reader, store.Importer, store.Partners, options, Clock);
                        Check(result.IsValid && result.Value.Imported == rows, result.Errors);
                    });
                }

                await using var connection = new NpgsqlConnection(PersistenceBenchmarkData.Postgres);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE;", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    private static void Measure(string what, int rows, Func<Task> run) => MeasureAsync(what, rows, run).GetAwaiter().GetResult();

    private static async Task MeasureAsync(string what, int rows, Func<Task> run)
    {
        GC.Collect();
        var before = await File.ReadAllTextAsync("/proc/loadavg");
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var threads = ThreadTicks();
        var clock = Stopwatch.StartNew();
        await run();
        clock.Stop();
        var busiest = ThreadTicks().Select(t => t.Value - threads.GetValueOrDefault(t.Key)).DefaultIfEmpty().Max();
        process.Refresh();
        var used = process.TotalProcessorTime - cpu;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var after = await File.ReadAllTextAsync("/proc/loadavg");
        Console.WriteLine(
            $"{what}: {clock.Elapsed.TotalSeconds:F1} s wall, {rows / clock.Elapsed.TotalSeconds:N0} rows/s, " +
            $"{used.TotalMicroseconds / rows:F1} µs CPU per row (busiest thread {busiest * 10_000.0 / rows:F1}), {bytes / rows:N0} B allocated per row; " +
            $"loadavg before {string.Join(' ', before.Split(' ').Take(3))}, after {string.Join(' ', after.Split(' ').Take(3))}");
    }

    // CPU time of each thread of the process in clock ticks (utime + stime, 1/100 s): the busiest
    // thread bounds the time per row from below, however many cores the others get.
    private static Dictionary<string, long> ThreadTicks()
    {
        var ticks = new Dictionary<string, long>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks[Path.GetFileName(task)] = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return ticks;
    }

    // The committed file (the WAL checkpointed into it first), by table and index when the sqlite3
    // shell is installed (its dbstat table; the bundled library has none).
    private static void PrintSqliteSizes(string path, int rows)
    {
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        var parts = string.Empty;
        try
        {
            using var shell = Process.Start(new ProcessStartInfo("sqlite3", [path, "SELECT name || ' ' || (SUM(pgsize) / " + rows + ") FROM dbstat GROUP BY name HAVING SUM(pgsize) > 65536 ORDER BY SUM(pgsize) DESC;"]) { RedirectStandardOutput = true })!;
            parts = $" ({string.Join(", ", shell.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))})";
            shell.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No sqlite3 shell: the total only.
        }

        Console.WriteLine($"SQLite file: {new FileInfo(path).Length / (double)rows:N0} B per row{parts}");
    }

    private static void Check(bool ok, IReadOnlyList<ValidationError>? errors = null)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"The import failed: {string.Join("; ", errors?.Take(3) ?? [])}");
        }
    }
}
