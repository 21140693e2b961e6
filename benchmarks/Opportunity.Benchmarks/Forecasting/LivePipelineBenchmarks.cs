using BenchmarkDotNet.Attributes;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Forecasting;

/// <summary>
/// The live pipeline holding a whole network: the cost of one incremental update (an amount change
/// event, allocation of the event object included), and of reading the totals after it.
/// </summary>
[MemoryDiagnoser]
public class LivePipelineBenchmarks
{
    private static readonly TenantId Tenant = new("bench");
    private static readonly PipelineGrouping PartnerByStage = PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage);
    private LivePipeline _live = null!;
    private GeneratedOpportunity _deal = null!;
    private long _sequence;
    private bool _flip;

    [Params(NetworkSize.Large)]
    public NetworkSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var network = PartnerNetwork.Generate(ForecastBenchmarkData.Spec(Size));
        _live = new LivePipeline(Tenant);
        foreach (var o in network.Opportunities())
        {
            _live.Upsert(new OpportunityId(o.Id), new PipelineRow(o.Partner, o.Amount, o.Stage.Name, o.Probability, o.Category, o.ExpectedClose) { Region = o.Region, ProductLine = o.ProductLine });
            _deal ??= o;
        }

        _live.Totals(PartnerByStage); // sort the display order once, as a dashboard's first read would
        Console.WriteLine($"// live pipeline: {_live.Count:N0} deals");
    }

    [Benchmark(Description = "Apply one OpportunityAmountChanged event")]
    public bool ApplyAmountChanged()
    {
        _flip = !_flip;
        var previous = _deal.Amount;
        var current = _flip ? new Money(previous.Amount + 100m, previous.Currency) : previous;
        return _live.Apply(new OpportunityAmountChanged(_flip ? previous : new Money(previous.Amount + 100m, previous.Currency), current)
        {
            Tenant = Tenant,
            AggregateKind = nameof(SalesOpportunity),
            AggregateId = _deal.Id,
            Sequence = ++_sequence,
        });
    }

    [Benchmark(Description = "Read one partner × stage group")]
    public bool ReadOneGroup() => _live.TryGetTotal(PartnerByStage, _deal.Partner.Value, _deal.Stage.Name, _deal.Amount.Currency, out _);

    [Benchmark(Description = "Read all partner × stage groups")]
    public PipelineTotals ReadAllGroups() => _live.Totals(PartnerByStage);
}
