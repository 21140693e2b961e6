using BenchmarkDotNet.Attributes;
using Opportunity.Forecasting;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Forecasting;

/// <summary>
/// A forecast distribution: 10,000 seeded trials over the 100,000 open deals of the small network
/// (all currencies converted), against the straightforward loop a developer would write
/// (System.Random, one draw per deal per trial, decimal sums).
/// </summary>
[MemoryDiagnoser]
public class MonteCarloBenchmarks
{
    private PipelineSnapshot _snapshot = null!;
    private (decimal Amount, double Probability)[] _deals = null!;
    private FixedExchangeRates _rates = null!;

    [Params(10_000)]
    public int Trials { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var network = PartnerNetwork.Generate(PartnerNetworkSpec.Small);
        _snapshot = network.ToSnapshot();
        _rates = new FixedExchangeRates().Add(CurrencyCode.USD, CurrencyCode.EUR, 0.92m).Add(CurrencyCode.GBP, CurrencyCode.EUR, 1.17m);
        _deals = [.. network.Opportunities().Select(o => (o.Amount.Amount * _rates.GetRate(o.Amount.Currency, CurrencyCode.EUR, default), o.Probability.ToDouble()))];
    }

    [Benchmark(Baseline = true, Description = "Naive loop: System.Random, decimal")]
    public decimal NaiveP50()
    {
        var random = new Random(42);
        var totals = new decimal[Trials];
        for (var t = 0; t < Trials; t++)
        {
            var total = 0m;
            foreach (var (amount, probability) in _deals)
            {
                if (random.NextDouble() < probability)
                {
                    total += amount;
                }
            }

            totals[t] = total;
        }

        Array.Sort(totals);
        return totals[Trials / 2];
    }

    [Benchmark(Description = "PipelineSnapshot.Forecast (P10/P50/P90, target)")]
    public Forecast Forecast() => _snapshot.Forecast(new ForecastOptions
    {
        Trials = Trials,
        Seed = 42,
        Currency = CurrencyCode.EUR,
        Rates = _rates,
        Target = new Money(2_700_000_000m, CurrencyCode.EUR),
    });
}
