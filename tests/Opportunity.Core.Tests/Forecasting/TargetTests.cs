using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class TargetTests
{
    private static readonly ForecastPeriod Q1 = FiscalCalendar.CalendarYear.Quarter(2025, 1);

    [Fact]
    public void Compute_AgainstTarget_CoverageGapAndProbability()
    {
        var snapshot = ForecastRollupTests.Quarter1(new FakeClock(Instant.FromUtc(2025, 2, 3, 10, 0)));

        var result = ForecastVsTarget.Compute(snapshot, new SalesTarget(Q1, new Money(5_000m, CurrencyCode.EUR)), new ForecastOptions { Trials = 20_000, Seed = 3 });

        // Won 1,000; open in Q1: 2,000·0.8 + 4,000·0.5 + 8,000·0.1 + 3,000·0.5 = 5,900 weighted, 17,000 unweighted.
        Assert.Equal(new Money(1_000m, CurrencyCode.EUR), result.Won);
        Assert.Equal(new Money(5_900m, CurrencyCode.EUR), result.OpenWeighted);
        Assert.Equal(new Money(17_000m, CurrencyCode.EUR), result.OpenPipeline);
        Assert.Equal(new Money(4_000m, CurrencyCode.EUR), result.RemainingTarget);
        Assert.Equal(1.475m, result.Coverage);
        Assert.Equal(4.25m, result.UnweightedCoverage);
        Assert.Equal(new Money(6_900m, CurrencyCode.EUR), result.Expected);
        Assert.Equal(new Money(-1_900m, CurrencyCode.EUR), result.Gap);
        Assert.InRange(result.ProbabilityOfReaching, 0.5, 1.0);
    }

    [Fact]
    public void Compute_TargetAlreadyWon_HasNoCoverageAndCertainty()
    {
        var snapshot = ForecastRollupTests.Quarter1(new FakeClock(Instant.FromUtc(2025, 2, 3, 10, 0)));

        var result = ForecastVsTarget.Compute(snapshot, new SalesTarget(Q1, new Money(800m, CurrencyCode.EUR)));

        Assert.Null(result.Coverage);
        Assert.Equal(1.0, result.ProbabilityOfReaching);
    }

    [Fact]
    public void Compute_NodeQuota_IsRefusedRatherThanAnsweredWithTheNetwork()
    {
        var snapshot = ForecastRollupTests.Quarter1(new FakeClock(Instant.FromUtc(2025, 2, 3, 10, 0)));

        var error = Assert.Throws<ArgumentException>(() => ForecastVsTarget.Compute(snapshot, new SalesTarget(Q1, new Money(800m, CurrencyCode.EUR)) { Node = "network/region:EMEA" }));

        Assert.Equal("target", error.ParamName);
        Assert.Contains("ForecastHierarchyRollup.Attainment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SalesTarget_Negative_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SalesTarget(Q1, new Money(-1m, CurrencyCode.EUR)));

    [Fact]
    public void Scope_PartnerAndRegion_AreNamed() =>
        Assert.Equal("partner P1 in region FR", new SalesTarget(Q1, Money.Zero(CurrencyCode.EUR)) { Partner = new PartnerId("P1"), Region = "FR" }.Scope);
}
