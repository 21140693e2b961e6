using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class ForecastTests
{
    private static readonly LocalDate Close = new(2025, 2, 10);

    private static PipelineSnapshot Snapshot(IEnumerable<(decimal Amount, int BasisPoints)> deals, CurrencyCode? currency = null) =>
        PipelineSnapshot.FromRows(deals.Select((d, i) => new PipelineRow(new PartnerId($"P{i % 7}"), new Money(d.Amount, currency ?? CurrencyCode.EUR), "Proposal", Probability.FromBasisPoints(d.BasisPoints), ForecastCategory.BestCase, Close)));

    private static List<(decimal, int)> Deals(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => ((decimal)random.Next(100, 50_000), random.Next(1, 10_000)))];
    }

    [Fact]
    public void Forecast_ClosedForms_MatchHandComputation()
    {
        // E = 100·0.5 + 200·0.25 = 100; Var = 100²·0.25 + 200²·0.1875 = 2,500 + 7,500 = 10,000; SD = 100.
        var forecast = Snapshot([(100m, 5_000), (200m, 2_500)]).Forecast(new ForecastOptions { Trials = 100 });

        Assert.Equal(new Money(100m, CurrencyCode.EUR), forecast.Expected);
        Assert.Equal(10_000m, forecast.Variance);
        Assert.Equal(new Money(100m, CurrencyCode.EUR), forecast.StandardDeviation);
    }

    [Fact]
    public void Forecast_MonteCarloMeanAndVariance_AgreeWithClosedForms()
    {
        var forecast = Snapshot(Deals(3, 2_000)).Forecast(new ForecastOptions { Trials = 20_000, Seed = 17 });

        // The sample mean is within 4 standard errors of E; the sample variance within 4 of its own standard errors (≈ √(2/T)).
        var standardError = forecast.StandardDeviation.Amount / (decimal)Math.Sqrt(forecast.Trials);
        Assert.InRange(forecast.SimulatedMean.Amount, forecast.Expected.Amount - (4 * standardError), forecast.Expected.Amount + (4 * standardError));
        var relative = (double)(forecast.SimulatedVariance / forecast.Variance);
        Assert.InRange(relative, 1 - (4 * Math.Sqrt(2.0 / forecast.Trials)), 1 + (4 * Math.Sqrt(2.0 / forecast.Trials)));
    }

    [Fact]
    public void Forecast_SameSeed_SameQuantilesWhateverTheThreadCount()
    {
        var snapshot = Snapshot(Deals(5, 3_000));
        var one = snapshot.Forecast(new ForecastOptions { Trials = 5_000, Seed = 42, MaxDegreeOfParallelism = 1 });
        var four = snapshot.Forecast(new ForecastOptions { Trials = 5_000, Seed = 42, MaxDegreeOfParallelism = 4 });
        var other = snapshot.Forecast(new ForecastOptions { Trials = 5_000, Seed = 43 });

        Assert.Equal((one.P10, one.P50, one.P90, one.SimulatedMean), (four.P10, four.P50, four.P90, four.SimulatedMean));
        Assert.NotEqual(one.SimulatedMean, other.SimulatedMean);
        Assert.True(one.P10 <= one.P50 && one.P50 <= one.P90);
    }

    [Fact]
    public void Forecast_CertainAndImpossibleDeals_HaveNoSpread()
    {
        var forecast = Snapshot([(100m, 10_000), (50m, 10_000), (999m, 0)]).Forecast(new ForecastOptions { Trials = 50, Target = new Money(150m, CurrencyCode.EUR) });

        Assert.Equal(new Money(150m, CurrencyCode.EUR), forecast.P10);
        Assert.Equal(new Money(150m, CurrencyCode.EUR), forecast.P90);
        Assert.Equal(Money.Zero(CurrencyCode.EUR), forecast.StandardDeviation);
        Assert.Equal(1.0, forecast.ProbabilityOfReachingTarget);
        Assert.Equal(0.0, forecast.ProbabilityOfReaching(new Money(150.01m, CurrencyCode.EUR)));
    }

    [Fact]
    public void Forecast_ProbabilityOfReachingTarget_IsShareOfTrialsAtOrAboveIt()
    {
        // One deal of 100 at 30%: the total is 100 in about 30% of trials, else 0.
        var forecast = Snapshot([(100m, 3_000)]).Forecast(new ForecastOptions { Trials = 40_000, Seed = 1, Target = new Money(1m, CurrencyCode.EUR) });

        Assert.InRange(forecast.ProbabilityOfReachingTarget!.Value, 0.29, 0.31);
        Assert.Equal(1.0, forecast.ProbabilityOfReaching(Money.Zero(CurrencyCode.EUR)));
    }

    [Fact]
    public void Forecast_MultiCurrency_ConvertsSumsOnceWithRates()
    {
        var rows = new[]
        {
            new PipelineRow(new PartnerId("P1"), new Money(100m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, Close),
            new PipelineRow(new PartnerId("P2"), new Money(100m, CurrencyCode.USD), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, Close),
        };
        var rates = new FixedExchangeRates().Add(CurrencyCode.USD, CurrencyCode.EUR, 0.9m);

        var forecast = PipelineSnapshot.FromRows(rows).Forecast(new ForecastOptions { Currency = CurrencyCode.EUR, Rates = rates, Trials = 1_000 });

        // E = 50 + 45 = 95; Var = 100²·0.25 + (0.9·100)²·0.25 = 2,500 + 2,025.
        Assert.Equal(new Money(95m, CurrencyCode.EUR), forecast.Expected);
        Assert.Equal(4_525m, forecast.Variance);
        Assert.Throws<InvalidOperationException>(() => PipelineSnapshot.FromRows(rows).Forecast(new ForecastOptions()));
    }

    [Fact]
    public void Forecast_Period_OnlyCountsDealsClosingInIt()
    {
        var rows = new[]
        {
            new PipelineRow(new PartnerId("P1"), new Money(100m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2025, 2, 1)),
            new PipelineRow(new PartnerId("P1"), new Money(900m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2025, 4, 1)),
        };

        var forecast = PipelineSnapshot.FromRows(rows).Forecast(new ForecastOptions { Period = FiscalCalendar.CalendarYear.Quarter(2025, 1), Trials = 10 });

        Assert.Equal((1L, new Money(50m, CurrencyCode.EUR)), (forecast.Count, forecast.Expected));
    }

    [Fact]
    public void Forecast_TrialsOutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Snapshot([(1m, 1)]).Forecast(new ForecastOptions { Trials = 0 }));

    [Fact]
    public void Quantile_NearestRank_IsATrialTotal()
    {
        var forecast = Snapshot([(10m, 5_000), (20m, 5_000)]).Forecast(new ForecastOptions { Trials = 1_000, Seed = 9 });

        Assert.Contains(forecast.P50.Amount, new[] { 0m, 10m, 20m, 30m });
        Assert.Equal(Money.Zero(CurrencyCode.EUR), forecast.Quantile(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => forecast.Quantile(double.NaN));
    }
}
