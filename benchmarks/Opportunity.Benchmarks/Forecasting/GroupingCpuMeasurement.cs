using System.Diagnostics;
using System.Globalization;
using Opportunity.Forecasting;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Forecasting;

/// <summary>
/// The grouping benchmark's cases measured by CPU time as well as wall time
/// (<c>-- grouping-cpu [rounds]</c>): on a machine shared with other builds, wall time mostly
/// measures the queue for the cores, while the process's CPU time (every thread,
/// <see cref="Process.TotalProcessorTime"/>) counts only the time it ran. Each case runs
/// <c>rounds</c> times (default 15) after two warm-ups; medians of both, and each one's ratio to
/// the floor's. An optional third argument picks the network size (<c>Medium</c>: 10^6 deals, for
/// quick checks while developing; default <c>Large</c>: 10^7), and a fourth keeps only the cases whose
/// name contains it (the floor always runs), e.g. for a profiler.
/// </summary>
internal static class GroupingCpuMeasurement
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        var size = args.Length > 2 ? Enum.Parse<NetworkSize>(args[2], ignoreCase: true) : NetworkSize.Large;
        var snapshot = PartnerNetwork.Generate(ForecastBenchmarkData.Spec(size)).ToSnapshot();
        Console.WriteLine($"{snapshot.Count:N0} deals, {snapshot.PartnerCount:N0} partners; load average at start {File.ReadAllText("/proc/loadavg").Trim()}");
        var cases = new List<(string Name, Func<long> Run)> { ("floor", () => ColumnFloor.Read(snapshot)) };
        foreach (var grouping in GroupingBenchmarks.Groupings.Where(g => args.Length < 4 || g.Name.Contains(args[3], StringComparison.Ordinal)))
        {
            cases.Add((grouping.Name, () =>
            {
                using var totals = snapshot.Group(grouping.Grouping);
                return totals.Groups.Count;
            }));
        }

        var process = Process.GetCurrentProcess();
        double floorWall = 0, floorCpu = 0;
        Console.WriteLine("| grouping | wall median (ms) | × floor | CPU median (ms, both cores) | × floor |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, run) in cases)
        {
            run();
            run();
            var walls = new double[rounds];
            var cpus = new double[rounds];
            for (var r = 0; r < rounds; r++)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var wall = Stopwatch.GetTimestamp();
                run();
                walls[r] = Stopwatch.GetElapsedTime(wall).TotalMilliseconds;
                process.Refresh();
                cpus[r] = (process.TotalProcessorTime - cpu).TotalMilliseconds;
            }

            var w = Median(walls);
            var c = Median(cpus);
            if (name == "floor")
            {
                (floorWall, floorCpu) = (w, c);
            }

            Console.WriteLine($"| {name} | {w:F1} | {w / floorWall:F2} | {c:F1} | {c / floorCpu:F2} |");
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
