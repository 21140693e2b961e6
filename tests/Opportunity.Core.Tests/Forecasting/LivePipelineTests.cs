using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.ForecastingTestData;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class LivePipelineTests
{
    private static readonly TenantId Tenant = new("acme");

    private static readonly PipelineGrouping[] Maintained =
    [
        PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage),
        PipelineGrouping.By(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory),
        PipelineGrouping.By(PipelineDimension.Stage, PipelineDimension.Partner),
        PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.CloseMonth),
        PipelineGrouping.By(PipelineDimension.ProductLine),
        PipelineGrouping.Total,
    ];

    [Property(MaxTest = 80)]
    public Property Apply_AnyEventSequence_EqualsFullRecomputeToTheCent(PositiveInt seed, bool includeClosedWon)
    {
        var random = new Random(seed.Get);
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 6, 8, 0));
        var options = new PipelineSnapshotOptions { IncludeClosedWon = includeClosedWon, FiscalCalendar = new FiscalCalendar(7) };
        var live = new LivePipeline(Tenant, options: options, groupings: Maintained);
        var deals = new List<SalesOpportunity>();
        var delivered = new List<DomainEvent>();

        for (var step = 0; step < 60; step++)
        {
            clock.Advance(Duration.FromHours(random.Next(1, 400)));
            var deal = deals.Count == 0 || random.Next(6) == 0 ? Open(random, deals.Count, clock) : deals[random.Next(deals.Count)];
            if (!deals.Contains(deal))
            {
                deals.Add(deal);
            }
            else
            {
                Change(deal, random, clock);
            }

            delivered.AddRange(deal.PendingEvents);
            live.Apply(deal.PendingEvents);
            deal.MarkCommitted(deal.Version + 1);

            // At-least-once delivery: now and then an old event arrives again.
            if (random.Next(5) == 0)
            {
                live.Apply(delivered[random.Next(delivered.Count)]);
            }
        }

        var recompute = PipelineSnapshot.FromOpportunities(deals, options);
        foreach (var grouping in Maintained)
        {
            Assert.Equal(Exact(recompute.Group(grouping)), Exact(live.Totals(grouping)));
        }

        Assert.Equal(Exact(recompute.Total()), Exact(live.ToSnapshot().Total()));
        return true.ToProperty();
    }

    [Fact]
    public void Apply_SameEventTwice_CountsItOnce()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 6, 8, 0));
        var deal = Open(new Random(1), 0, clock);
        var live = new LivePipeline(Tenant);

        Assert.Equal(1, live.Apply(deal.PendingEvents));
        Assert.Equal(0, live.Apply(deal.PendingEvents));
        Assert.Equal(1, live.Count);
    }

    [Fact]
    public void Apply_ChangeOfAnOpportunityNeverOpenedHere_Throws()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 6, 8, 0));
        var deal = Open(new Random(1), 0, clock);
        deal.MarkCommitted(1);
        deal.ChangeAmount(new Money(5m, deal.Amount.Currency), "u", clock);

        var ex = Assert.Throws<InvalidOperationException>(() => new LivePipeline(Tenant).Apply(deal.PendingEvents[0]));
        Assert.Contains("o0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_EventOfAnotherTenant_IsIgnored()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 6, 8, 0));
        var deal = Open(new Random(1), 0, clock);

        Assert.False(new LivePipeline(new TenantId("other")).Apply(deal.PendingEvents[0]));
    }

    [Fact]
    public void Upsert_ThenOlderEvents_AreIgnoredAsAlreadySeen()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 6, 8, 0));
        var deal = Open(new Random(1), 0, clock);
        var events = deal.PendingEvents.ToList();
        var live = new LivePipeline(Tenant);
        live.Upsert(deal);

        Assert.Equal(0, live.Apply(events));
        Assert.Equal(Exact(PipelineSnapshot.FromOpportunities([deal]).Total()), Exact(live.Totals(PipelineGrouping.Total)));
    }

    [Fact]
    public void Totals_GroupingNotMaintained_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LivePipeline(Tenant).Totals(PipelineGrouping.By(PipelineDimension.Region)));

        Assert.Contains("Region", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_KnownOpportunity_TakesItOutOfTheTotals()
    {
        var live = new LivePipeline(Tenant);
        var row = new PipelineRow(new PartnerId("P1"), new Money(100m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2025, 2, 1));
        live.Upsert(new OpportunityId("a"), row);
        live.Upsert(new OpportunityId("b"), row);

        Assert.True(live.Remove(new OpportunityId("a")));
        Assert.False(live.Remove(new OpportunityId("a")));
        var total = live.Totals(PipelineGrouping.Total).CurrencyTotals.Single();
        Assert.Equal((1L, new Money(50m, CurrencyCode.EUR)), (total.Count, total.WeightedAmount));
    }

    [Fact]
    public void TryGetTotal_AnyMaintainedGroup_EqualsItsLineInTotals()
    {
        var live = new LivePipeline(Tenant, groupings: Maintained);
        foreach (var (row, i) in Rows(12, 500, partners: 6).Select((r, i) => (r, i)))
        {
            live.Upsert(new OpportunityId($"o{i}"), row);
        }

        foreach (var grouping in Maintained)
        {
            foreach (var line in live.Totals(grouping).Groups)
            {
                Assert.True(live.TryGetTotal(grouping, line.First, line.Second, line.Currency, out var total));
                Assert.Equal(line, total);
            }
        }

        Assert.False(live.TryGetTotal(Maintained[0], "nobody", "Proposal", CurrencyCode.EUR, out _));
    }

    private static SalesOpportunity Open(Random random, int number, IClock clock)
    {
        var open = PipelineDefinition.Default.OpenStages;
        var draft = new SalesOpportunityDraft(
            new PartnerId($"P{random.Next(4)}"),
            Money.FromMinorUnits(random.NextInt64(0, 10_000_000), random.Next(3) == 0 ? CurrencyCode.USD : CurrencyCode.EUR),
            new LocalDate(2025, 1, 1).PlusDays(random.Next(500)))
        {
            Stage = open[random.Next(open.Count)].Name,
            Region = random.Next(3) == 0 ? null : Regions[random.Next(Regions.Length)],
            ProductLine = random.Next(3) == 0 ? null : Products[random.Next(Products.Length)],
            ProbabilityOverride = random.Next(4) == 0 ? Probability.FromBasisPoints(random.Next(10_001)) : null,
            ForecastCategoryOverride = random.Next(6) == 0 ? (ForecastCategory)random.Next(5) : null,
        };
        return SalesOpportunity.Open(Tenant, new OpportunityId($"o{number}"), draft, PipelineDefinition.Default, "u", clock);
    }

    private static void Change(SalesOpportunity deal, Random random, IClock clock)
    {
        var open = PipelineDefinition.Default.OpenStages;
        if (deal.IsClosed)
        {
            deal.Reopen(open[random.Next(open.Count)].Name, "customer came back", "u", clock);
            return;
        }

        switch (random.Next(10))
        {
            case 0:
                deal.MoveToStage(open[random.Next(open.Count)].Name, "u", clock);
                break;
            case 1 when deal.Lines.Count > 0:
                deal.SetLines([], "u", clock); // the amount is derived while lines exist
                break;
            case 1:
                deal.ChangeAmount(Money.FromMinorUnits(random.NextInt64(0, 10_000_000), deal.Amount.Currency), "u", clock);
                break;
            case 7:
                deal.SetLines(Enumerable.Range(0, 1 + random.Next(3)).Select(_ => new OpportunityLine(Products[random.Next(Products.Length)], random.Next(1, 5), Money.FromMinorUnits(random.Next(0, 1_000_000), deal.Amount.Currency), random.Next(0, 101))), "u", clock);
                break;
            case 2:
                deal.ChangeExpectedClose(deal.ExpectedClose.PlusDays(random.Next(-60, 90)), "u", clock);
                break;
            case 3:
                deal.OverrideProbability(random.Next(3) == 0 ? null : Probability.FromBasisPoints(random.Next(10_001)), "u", clock);
                break;
            case 4:
                deal.OverrideForecastCategory(random.Next(3) == 0 ? null : (ForecastCategory)random.Next(5), "u", clock);
                break;
            case 5:
                deal.CloseWon("signed", "u", clock);
                break;
            case 6:
                deal.CloseLost("price", "u", clock);
                break;
            default:
                deal.RecordActivity("call", "u", clock);
                break;
        }
    }
}
