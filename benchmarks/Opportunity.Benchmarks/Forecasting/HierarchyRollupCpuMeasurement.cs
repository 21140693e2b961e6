using System.Diagnostics;
using System.Globalization;

namespace Opportunity.Benchmarks.Forecasting;

/// <summary>
/// <see cref="HierarchyRollupBenchmarks"/>' cases measured by CPU time as well as wall time
/// (<c>-- rollup-cpu [rounds] [size]</c>): partner × stage, the roll-up with its root read, and the
/// roll-up with every node read, each <c>rounds</c> times (default 11) after two warm-ups, interleaved
/// round by round so the machine's load falls on all alike; medians of the process's CPU time (every
/// thread) and of wall time, and each one's ratio to partner × stage (issue 15 item 6: ≤ 3×). The size
/// is <c>Medium</c> (10^6 deals) or <c>Large</c> (10^7, default).
/// </summary>
internal static class HierarchyRollupCpuMeasurement
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 11;
        var size = args.Length > 2 ? Enum.Parse<NetworkSize>(args[2], ignoreCase: true) : NetworkSize.Large;
        var benchmark = new HierarchyRollupBenchmarks { Size = size };
        benchmark.Setup();
        Console.WriteLine($"load average at start {File.ReadAllText("/proc/loadavg").Trim()}");
        (string Name, Func<object> Run)[] cases =
        [
            ("partner × stage", () => benchmark.SnapshotPartnerByStage()),
            ("roll-up, root read", () => benchmark.HierarchyRollup()),
            ("roll-up, every node read", () => benchmark.HierarchyRollupEveryNode()),
        ];
        var walls = cases.Select(_ => new double[rounds]).ToArray();
        var cpus = cases.Select(_ => new double[rounds]).ToArray();
        var allocated = new long[cases.Length];
        foreach (var (_, run) in cases)
        {
            run();
            run();
        }

        var process = Process.GetCurrentProcess();
        for (var r = 0; r < rounds; r++)
        {
            for (var k = 0; k < cases.Length; k++)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var bytes = GC.GetTotalAllocatedBytes(precise: true);
                var wall = Stopwatch.GetTimestamp();
                cases[k].Run();
                walls[k][r] = Stopwatch.GetElapsedTime(wall).TotalMilliseconds;
                allocated[k] = GC.GetTotalAllocatedBytes(precise: true) - bytes;
                process.Refresh();
                cpus[k][r] = (process.TotalProcessorTime - cpu).TotalMilliseconds;
            }
        }

        var baseWall = Median(walls[0]);
        var baseCpu = Median(cpus[0]);
        Console.WriteLine("| case | wall median (ms) | × partner × stage | CPU median (ms, both cores) | × partner × stage | allocated (last round) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (var k = 0; k < cases.Length; k++)
        {
            var w = Median(walls[k]);
            var c = Median(cpus[k]);
            Console.WriteLine($"| {cases[k].Name} | {w:F1} | {w / baseWall:F2} | {c:F1} | {c / baseCpu:F2} | {allocated[k] / 1e6:F2} MB |");
        }

        Console.WriteLine($"load average at end {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
