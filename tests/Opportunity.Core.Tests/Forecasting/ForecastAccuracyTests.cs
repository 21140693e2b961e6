using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Persistence.Forecasts;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class ForecastAccuracyTests
{
    private static readonly ForecastPeriod Q1 = FiscalCalendar.CalendarYear.Quarter(2025, 1);

    private static ForecastSnapshot Snapshot(int day, decimal expected, decimal p10, decimal p90) => new()
    {
        Period = Q1,
        TakenOn = new LocalDate(2025, 1, day),
        Currency = CurrencyCode.EUR,
        Expected = new Money(expected, CurrencyCode.EUR),
        P10 = new Money(p10, CurrencyCode.EUR),
        P50 = new Money(expected, CurrencyCode.EUR),
        P90 = new Money(p90, CurrencyCode.EUR),
        CommitForecast = new Money(expected - 100m, CurrencyCode.EUR),
        BestCaseForecast = new Money(expected + 100m, CurrencyCode.EUR),
        ByCategory = new Dictionary<ForecastCategory, Money>(),
    };

    [Fact]
    public void Evaluate_Snapshots_ErrorsMapeBiasAndBandHits()
    {
        var accuracy = ForecastAccuracy.Evaluate([Snapshot(20, 1_200m, 1_000m, 1_400m), Snapshot(6, 800m, 500m, 900m)], new Money(1_000m, CurrencyCode.EUR));

        Assert.Equal([new LocalDate(2025, 1, 6), new LocalDate(2025, 1, 20)], accuracy.Lines.Select(l => l.TakenOn));
        Assert.Equal(new Money(-200m, CurrencyCode.EUR), accuracy.Lines[0].Error);
        Assert.Equal(85, accuracy.Lines[0].DaysBeforePeriodEnd);
        Assert.Equal(0.2m, accuracy.MeanAbsolutePercentageError);
        Assert.Equal(Money.Zero(CurrencyCode.EUR), accuracy.Bias);
        Assert.Equal(0.5, accuracy.BandHitRate);
        Assert.Equal(new Money(100m, CurrencyCode.EUR), accuracy.Lines[1].CommitError);
    }

    [Fact]
    public void Evaluate_MixedPeriods_Throws()
    {
        var other = Snapshot(6, 1m, 1m, 1m) with { Period = FiscalCalendar.CalendarYear.Quarter(2025, 2) };

        Assert.Throws<ArgumentException>(() => ForecastAccuracy.Evaluate([Snapshot(6, 1m, 1m, 1m), other], Money.Zero(CurrencyCode.EUR)));
    }

    [Fact]
    public async Task TakeSaveAndMeasure_EndToEnd_RecordsWhatTheForecastSaid()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 2, 3, 10, 0));
        var pipeline = ForecastRollupTests.Quarter1(clock);
        IForecastSnapshotStore store = new InMemoryStore();
        var tenant = new TenantId("acme");

        var taken = ForecastSnapshot.Take(pipeline, Q1, new LocalDate(2025, 2, 3), CurrencyCode.EUR, new ForecastOptions { Trials = 2_000, Seed = 1 });
        await store.SaveAsync(tenant, taken);
        var actual = ForecastAccuracy.ActualWon(pipeline, Q1, CurrencyCode.EUR);
        var accuracy = ForecastAccuracy.Evaluate(await store.ListAsync(tenant, Q1), actual);

        Assert.Equal(new Money(6_900m, CurrencyCode.EUR), taken.Expected);
        Assert.Equal(new Money(7_000m, CurrencyCode.EUR), taken.BestCaseForecast);
        Assert.Equal(new Money(1_000m, CurrencyCode.EUR), actual);
        Assert.Equal(new Money(5_900m, CurrencyCode.EUR), accuracy.Lines.Single().Error);
        Assert.Empty(await store.ListAsync(new TenantId("other"), Q1));
    }
}
