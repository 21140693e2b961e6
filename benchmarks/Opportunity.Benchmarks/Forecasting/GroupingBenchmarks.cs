using BenchmarkDotNet.Attributes;
using Opportunity.Forecasting;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Forecasting;

/// <summary>
/// Every built-in grouping (each dimension alone, the total, and the pairs the docs, the CLI, the
/// live pipeline and the KPIs use) against the memory-read floor, in one run over the same
/// 10,000,000 deals: the Ratio column is each grouping's time over the floor's (issue 15, item 6).
/// Each result is disposed, as a dashboard regrouping every few seconds would do.
/// </summary>
[MemoryDiagnoser]
public class GroupingBenchmarks
{
    /// <summary>The groupings measured, by name (the CPU-time measurement runs the same list).</summary>
    public static readonly (string Name, PipelineGrouping Grouping)[] Groupings =
    [
        ("total", PipelineGrouping.Total),
        ("partner", PipelineGrouping.By(PipelineDimension.Partner)),
        ("stage", PipelineGrouping.By(PipelineDimension.Stage)),
        ("category", PipelineGrouping.By(PipelineDimension.ForecastCategory)),
        ("region", PipelineGrouping.By(PipelineDimension.Region)),
        ("product line", PipelineGrouping.By(PipelineDimension.ProductLine)),
        ("month", PipelineGrouping.By(PipelineDimension.CloseMonth)),
        ("quarter", PipelineGrouping.By(PipelineDimension.CloseQuarter)),
        ("fiscal year", PipelineGrouping.By(PipelineDimension.CloseFiscalYear)),
        ("partner × stage", PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage)),
        ("partner × category", PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.ForecastCategory)),
        ("partner × quarter", PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.CloseQuarter)),
        ("quarter × category", PipelineGrouping.By(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory)),
        ("stage × quarter", PipelineGrouping.By(PipelineDimension.Stage, PipelineDimension.CloseQuarter)),
        ("region × month", PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.CloseMonth)),
        ("region × product line", PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.ProductLine)),
        ("product", PipelineGrouping.By(PipelineDimension.Product)),
        ("partner × product", PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Product)),
    ];

    /// <summary>Generated once per process: run in process (<c>--inProcess</c>) every case shares it.</summary>
    private static (NetworkSize Size, PipelineSnapshot Snapshot)? _cached;
    private PipelineSnapshot _snapshot = null!;

    [Params(NetworkSize.Large)]
    public NetworkSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (_cached?.Size != Size)
        {
            _cached = (Size, PartnerNetwork.Generate(ForecastBenchmarkData.Spec(Size)).ToSnapshot());
        }

        _snapshot = _cached.Value.Snapshot;
        Console.WriteLine($"// snapshot: {_snapshot.Count:N0} deals, {_snapshot.PartnerCount:N0} partners");
    }

    [Benchmark(Baseline = true, Description = "Floor: read amount, probability, stage, currency once")]
    public long Floor() => ColumnFloor.Read(_snapshot);

    [Benchmark(Description = "total")]
    public int Total() => Run(0);

    [Benchmark(Description = "partner")]
    public int Partner() => Run(1);

    [Benchmark(Description = "stage")]
    public int Stage() => Run(2);

    [Benchmark(Description = "category")]
    public int Category() => Run(3);

    [Benchmark(Description = "region")]
    public int Region() => Run(4);

    [Benchmark(Description = "product line")]
    public int ProductLine() => Run(5);

    [Benchmark(Description = "month")]
    public int Month() => Run(6);

    [Benchmark(Description = "quarter")]
    public int Quarter() => Run(7);

    [Benchmark(Description = "fiscal year")]
    public int FiscalYear() => Run(8);

    [Benchmark(Description = "partner × stage")]
    public int PartnerByStage() => Run(9);

    [Benchmark(Description = "partner × category")]
    public int PartnerByCategory() => Run(10);

    [Benchmark(Description = "partner × quarter")]
    public int PartnerByQuarter() => Run(11);

    [Benchmark(Description = "quarter × category")]
    public int QuarterByCategory() => Run(12);

    [Benchmark(Description = "stage × quarter")]
    public int StageByQuarter() => Run(13);

    [Benchmark(Description = "region × month")]
    public int RegionByMonth() => Run(14);

    [Benchmark(Description = "region × product line")]
    public int RegionByProductLine() => Run(15);

    [Benchmark(Description = "product")]
    public int Product() => Run(16);

    [Benchmark(Description = "partner × product")]
    public int PartnerByProduct() => Run(17);

    private int Run(int index)
    {
        using var totals = _snapshot.Group(Groupings[index].Grouping);
        return totals.Groups.Count;
    }
}
