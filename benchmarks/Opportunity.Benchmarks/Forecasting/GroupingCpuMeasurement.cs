using System.Diagnostics;
using System.Globalization;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Forecasting;

/// <summary>
/// The grouping benchmark's cases measured by CPU time (<c>-- grouping-cpu [rounds] [size] [filter]</c>):
/// on a machine shared with other builds, wall time mostly measures the queue for the cores, while
/// the process's CPU time (every thread, <see cref="Process.TotalProcessorTime"/>) counts only the
/// time it ran. Each case runs <c>rounds</c> times (default 61: a median of 15 moved by 0.3 from run to run here) after two warm-ups; the table gives
/// the median CPU time and the median of its per-round ratios to the floor's (rounds interleaved: every case once per round). An optional second argument picks the network
/// size (<c>Medium</c>: 10^6 deals, for quick checks while developing; default <c>Large</c>: 10^7),
/// and a third keeps only the cases whose name contains it (the floor always runs). The product
/// cases run twice: on the generated deals (none has lines) and on the same deals where every fifth
/// has two lines (<c>… (lines)</c>); those are also given as a ratio to <c>floor (lines)</c>, which
/// reads the product parts as well as the deal columns (<see cref="ColumnFloor.ReadWithParts"/>).
/// </summary>
internal static class GroupingCpuMeasurement
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 61;
        var size = args.Length > 2 ? Enum.Parse<NetworkSize>(args[2], ignoreCase: true) : NetworkSize.Large;
        var network = PartnerNetwork.Generate(ForecastBenchmarkData.Spec(size));
        var snapshot = network.ToSnapshot();
        Console.WriteLine($"{snapshot.Count:N0} deals, {snapshot.PartnerCount:N0} partners; load average at start {LoadAverage()}");
        var cases = new List<(string Name, Func<long> Run)> { ("floor", () => ColumnFloor.Read(snapshot)) };
        var selected = GroupingBenchmarks.Groupings.Where(g => args.Length < 4 || g.Name.Contains(args[3], StringComparison.Ordinal)).ToList();
        cases.AddRange(selected.Select(g => (g.Name, Case(snapshot, g.Grouping))));
        var products = selected.Where(g => g.Name.Contains("product", StringComparison.Ordinal) && !g.Name.Contains("product line", StringComparison.Ordinal)).ToList();
        if (products.Count > 0)
        {
            var withLines = WithLines(network);
            cases.Add(("floor (lines)", () => ColumnFloor.ReadWithParts(withLines)));
            cases.Add(("total (lines)", Case(withLines, PipelineGrouping.Total)));
            cases.AddRange(products.Select(g => (g.Name + " (lines)", Case(withLines, g.Grouping))));
        }

        // Rounds are interleaved (every case once per round, the floors first), so a slow phase of the machine
        // falls on all cases alike; each case's ratio is the median of its per-round ratios to that round's floor.
        var process = Process.GetCurrentProcess();
        foreach (var (_, run) in cases)
        {
            run();
            run();
        }

        var cpus = cases.Select(_ => new double[rounds]).ToArray();
        for (var r = 0; r < rounds; r++)
        {
            for (var k = 0; k < cases.Count; k++)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                cases[k].Run();
                process.Refresh();
                cpus[k][r] = (process.TotalProcessorTime - cpu).TotalMilliseconds;
            }
        }

        var floor = cpus[cases.FindIndex(c => c.Name == "floor")];
        var linesIndex = cases.FindIndex(c => c.Name == "floor (lines)");
        Console.WriteLine("| case | CPU median (ms) | × floor (median of rounds) | × floor (lines) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        for (var k = 0; k < cases.Count; k++)
        {
            // The line cases read the parts too: their fair floor is the one that reads them (the plain one kept beside it).
            var linesRatio = linesIndex >= 0 && k >= linesIndex ? RatioMedian(cpus[k], cpus[linesIndex]).ToString("F2", CultureInfo.InvariantCulture) : "";
            Console.WriteLine($"| {cases[k].Name} | {Median([.. cpus[k]]):F1} | {RatioMedian(cpus[k], floor):F2} | {linesRatio} |");
        }

        Console.WriteLine($"load average at end {LoadAverage()}");
        return 0;
    }

    private static Func<long> Case(PipelineSnapshot snapshot, PipelineGrouping grouping) => () =>
    {
        using var totals = snapshot.Group(grouping);
        return totals.Groups.Count;
    };

    /// <summary>The same deals, every fifth with two lines (three fifths and two fifths of its amount, products by deal number).</summary>
    private static PipelineSnapshot WithLines(PartnerNetwork network)
    {
        string[] products = ["inverter", "battery", "panel", "wallbox", "service"];
        var builder = new PipelineSnapshotBuilder(capacity: network.OpportunityCount);
        var i = 0;
        foreach (var row in network.Rows())
        {
            if (i % 5 == 0)
            {
                var first = row.Amount.MinorUnits * 3 / 5;
                builder.Add(row with { Products = [new ProductAmount(products[(i / 5) % 5], first), new ProductAmount(products[((i / 5) + 2) % 5], row.Amount.MinorUnits - first)] });
            }
            else
            {
                builder.Add(row);
            }

            i++;
        }

        return builder.Build();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static double RatioMedian(double[] cpu, double[] floor) => Median([.. cpu.Zip(floor, (c, f) => c / f)]);

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
