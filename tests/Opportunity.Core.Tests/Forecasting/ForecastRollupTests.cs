using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class ForecastRollupTests
{
    internal static PipelineSnapshot Quarter1(IClock clock)
    {
        var tenant = new TenantId("acme");
        SalesOpportunity Deal(string id, decimal amount, string stage, int day, ForecastCategory? category = null) =>
            SalesOpportunity.Open(tenant, new OpportunityId(id), new SalesOpportunityDraft(new PartnerId("P1"), new Money(amount, CurrencyCode.EUR), new LocalDate(2025, 1, day)) { Stage = stage, ForecastCategoryOverride = category }, PipelineDefinition.Default, "u", clock);

        var won = Deal("won", 1_000m, "Negotiation", 10);
        won.CloseWon("signed", "u", clock); // closes on the clock's date, 2025-02-03
        var lost = Deal("lost", 5_000m, "Proposal", 11);
        lost.CloseLost("price", "u", clock);
        var deals = new[]
        {
            won,
            lost,
            Deal("commit", 2_000m, "Negotiation", 12),
            Deal("best", 4_000m, "Proposal", 13),
            Deal("early", 8_000m, "Qualification", 14),
            Deal("parked", 3_000m, "Proposal", 15, ForecastCategory.Omitted),
            Deal("next-quarter", 9_000m, "Negotiation", 1).Also(d => d.ChangeExpectedClose(new LocalDate(2025, 4, 2), "u", clock)),
        };
        return PipelineSnapshot.FromOpportunities(deals, new PipelineSnapshotOptions { IncludeClosedWon = true });
    }

    [Fact]
    public void Compute_PeriodRollup_AddsClosedCommitAndBestCase()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 2, 3, 10, 0));
        var rollup = Quarter1(clock).Rollup(FiscalCalendar.CalendarYear.Quarter(2025, 1), CurrencyCode.EUR);

        Assert.Equal(new Money(1_000m, CurrencyCode.EUR), rollup.Closed);
        Assert.Equal(new Money(3_000m, CurrencyCode.EUR), rollup.CommitForecast);
        Assert.Equal(new Money(7_000m, CurrencyCode.EUR), rollup.BestCaseForecast);
        Assert.Equal((1L, new Money(8_000m, CurrencyCode.EUR), new Money(800m, CurrencyCode.EUR)), (rollup[ForecastCategory.Pipeline].Count, rollup[ForecastCategory.Pipeline].Amount, rollup[ForecastCategory.Pipeline].Weighted));
        Assert.Equal(new Money(3_000m, CurrencyCode.EUR), rollup[ForecastCategory.Omitted].Amount);
        Assert.Equal(5, rollup.Categories.Count);
    }
}

internal static class TestExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
