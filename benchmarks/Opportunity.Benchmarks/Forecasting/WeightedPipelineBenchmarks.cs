using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Opportunity.Forecasting;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Forecasting;

/// <summary>
/// Weighted pipeline grouped by partner × stage (and quarter × category) over a generated network:
/// the snapshot against a hand-written LINQ GroupBy over domain objects with decimal arithmetic
/// (the baseline) and against the memory-bandwidth floor (one pass reading only the columns the
/// aggregation needs, on all cores). Results are checked equal before timing.
/// </summary>
[MemoryDiagnoser]
public class WeightedPipelineBenchmarks
{
    private PipelineSnapshot _snapshot = null!;
    private CrmOpportunity[] _crm = null!;

    [Params(NetworkSize.Large)]
    public NetworkSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var network = PartnerNetwork.Generate(ForecastBenchmarkData.Spec(Size));
        _snapshot = network.ToSnapshot();
        Console.WriteLine($"// snapshot: {_snapshot.Count:N0} deals, {_snapshot.PartnerCount:N0} partners, {_snapshot.BytesPerOpportunity:F2} bytes per deal");
    }

    /// <summary>The LINQ case also needs the domain objects; it checks both results agree to the cent before timing.</summary>
    [GlobalSetup(Target = nameof(LinqPartnerByStage))]
    public void SetupLinq()
    {
        var network = PartnerNetwork.Generate(ForecastBenchmarkData.Spec(Size));
        _snapshot = network.ToSnapshot();
        _crm = ForecastBenchmarkData.CrmObjects(network);
        ForecastBenchmarkData.CheckEqual(LinqPartnerByStage(), _snapshot.Group(PipelineDimension.Partner, PipelineDimension.Stage));
        Console.WriteLine("// LINQ and snapshot agree to the cent on every partner × stage × currency group");
    }

    [Benchmark(Baseline = true, Description = "LINQ GroupBy, decimal (partner × stage)")]
    public List<(string Partner, string Stage, string Currency, int Count, decimal Amount, decimal Weighted)> LinqPartnerByStage() =>
        ForecastBenchmarkData.LinqPartnerByStage(_crm);

    /// <summary>Groups and disposes the result (its buffers go back to the pool, as a dashboard refreshing its figures would do).</summary>
    [Benchmark(Description = "Snapshot (partner × stage)")]
    public int SnapshotPartnerByStage()
    {
        using var totals = _snapshot.Group(PipelineDimension.Partner, PipelineDimension.Stage);
        return totals.Groups.Count;
    }

    [Benchmark(Description = "Snapshot (quarter × category)")]
    public int SnapshotQuarterByCategory()
    {
        using var totals = _snapshot.Group(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory);
        return totals.Groups.Count;
    }

    [Benchmark(Description = "Floor: read amount, probability, stage, currency once")]
    public long Floor() => ColumnFloor.Read(_snapshot);
}

/// <summary>The memory-bandwidth floor: one vectorised pass over the columns partner × stage needs, split over all cores.</summary>
internal static class ColumnFloor
{
    public static long Read(PipelineSnapshot snapshot)
    {
        var c = snapshot.Columns;
        return OverCores(c.Count, (from, to) => Sum(c.Amount.AsSpan(from, to - from)) + Xor(MemoryMarshal.AsBytes(c.BasisPoints.AsSpan(from, to - from)))
            + Xor(c.Stage.AsSpan(from, to - from)) + Xor(c.Currency.AsSpan(from, to - from)));
    }

    /// <summary>
    /// The floor of a grouping by product over deals with lines: the deal columns as <see cref="Read"/>, and the
    /// product parts' row, product and amount (14 bytes a part) the same way, split over all cores.
    /// </summary>
    public static long ReadWithParts(PipelineSnapshot snapshot)
    {
        var parts = snapshot.Products;
        return Read(snapshot) + OverCores(parts.Count, (from, to) => Sum(parts.Amount.AsSpan(from, to - from)) + Xor(MemoryMarshal.AsBytes(parts.Row.AsSpan(from, to - from)))
            + Xor(MemoryMarshal.AsBytes(parts.Product.AsSpan(from, to - from))));
    }

    /// <summary>Reads [0, count) in one contiguous range per core (bounds on 64-row steps) and adds the ranges' results.</summary>
    private static long OverCores(int count, Func<int, int, long> read)
    {
        var workers = Environment.ProcessorCount;
        var sums = new long[workers];
        Parallel.For(0, workers, w =>
        {
            var from = (int)((long)count * w / workers) & ~63;
            var to = w == workers - 1 ? count : (int)((long)count * (w + 1) / workers) & ~63;
            sums[w] = read(from, to);
        });
        return sums.Sum();
    }

    private static long Sum(ReadOnlySpan<long> values)
    {
        var acc = Vector256<long>.Zero;
        var i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            acc += Vector256.Create(values.Slice(i, 4));
        }

        var total = Vector256.Sum(acc);
        for (; i < values.Length; i++)
        {
            total += values[i];
        }

        return total;
    }

    private static long Xor(ReadOnlySpan<byte> values)
    {
        var acc = Vector256<byte>.Zero;
        var i = 0;
        for (; i + 32 <= values.Length; i += 32)
        {
            acc ^= Vector256.Create(values.Slice(i, 32));
        }

        long total = Vector256.Sum(acc.AsUInt64()) == 0 ? 0 : 1;
        for (; i < values.Length; i++)
        {
            total ^= values[i];
        }

        return total;
    }
}
