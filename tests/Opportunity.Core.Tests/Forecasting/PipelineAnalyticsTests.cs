using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.HistoryTestData;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class PipelineAnalyticsTests
{
    private static readonly OpportunityHistory[] Deals =
    [
        Path("won", ("Qualification", 0), ("Proposal", 10), ("Negotiation", 20), ("Closed won", 30)),
        Path("lost-early", ("Qualification", 0), ("Closed lost", 5)),
        Path("lost-late", ("Qualification", 0), ("Needs analysis", 4), ("Proposal", 6), ("Closed lost", 16)),
        Path("open", ("Qualification", 0), ("Needs analysis", 2)),
    ];

    [Fact]
    public void StageConversions_WonCountsForEveryStageAndOpenDealsAreLeftOut()
    {
        var conversions = PipelineAnalytics.StageConversions(Deals, PipelineDefinition.Default);

        Assert.Equal(
            [("Qualification", "Needs analysis", 3, 2), ("Needs analysis", "Proposal", 2, 2), ("Proposal", "Negotiation", 2, 1), ("Negotiation", "Closed won", 1, 1)],
            conversions.Select(c => (c.Stage, c.NextStage, c.Reached, c.Advanced)));
        Assert.Equal(0.5m, conversions[2].Rate);
    }

    [Fact]
    public void TimeInStage_CompletedStaysOnly()
    {
        var durations = PipelineAnalytics.TimeInStage(Deals, PipelineDefinition.Default).ToDictionary(d => d.Stage);

        // Qualification stays: 10, 5, 4, 2 days. Needs analysis: 2 (the open deal's running stay is not counted).
        Assert.Equal((4, 5.25, 4.5), (durations["Qualification"].Stays, durations["Qualification"].MeanDays!.Value, durations["Qualification"].MedianDays!.Value));
        Assert.Equal((1, 2.0), (durations["Needs analysis"].Stays, durations["Needs analysis"].MeanDays!.Value));
        Assert.Equal((2, 10.0), (durations["Proposal"].Stays, durations["Proposal"].MeanDays!.Value));
    }

    [Fact]
    public void Stale_OpenDealBeyondTypicalDuration_IsReportedWithItsOverdue()
    {
        // The open deal entered Needs analysis (typical 21 days) on day 2.
        var stale = PipelineAnalytics.Stale(Deals, Start + Duration.FromDays(30));

        var only = Assert.Single(stale);
        Assert.Equal(("open", "Needs analysis", Duration.FromDays(7)), (only.Id.Value, only.Stage, only.Overdue));
        Assert.Empty(PipelineAnalytics.Stale(Deals, Start + Duration.FromDays(23)));
    }

    [Fact]
    public void Velocity_OpenTimesAverageWonTimesWinRateOverCycle()
    {
        // Window: days 0–40. Open at the end: 1. Won: 1 of 3 closed, 1,000 EUR, 30 days. 1 × 1,000 × ⅓ ÷ 30 = 11.11.
        var velocity = PipelineAnalytics.Velocity(Deals, Start, Start + Duration.FromDays(40), CurrencyCode.EUR);

        Assert.Equal((1, 1, 2), (velocity.OpenOpportunities, velocity.WonOpportunities, velocity.LostOpportunities));
        Assert.Equal(30m, velocity.AverageCycleDays);
        Assert.Equal(new Money(11.11m, CurrencyCode.EUR), velocity.PerDay);
    }

    [Fact]
    public void OpportunityHistory_StagesOutOfOrderOrUnknown_Throw()
    {
        Assert.Throws<ArgumentException>(() => Path("x", ("Qualification", 5), ("Proposal", 1)));
        Assert.Throws<ArgumentException>(() => Path("x", ("Qualification", 0), ("Nope", 1)));
    }
}
