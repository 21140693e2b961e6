using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Kpis;
using Opportunity.Partners;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Kpis.KpiTestData;

namespace Opportunity.Core.Tests.Kpis;

public sealed class PartnerKpiReportTests
{
    private static readonly Instant Now = Instant.FromUtc(2025, 2, 1, 12, 0);

    private static LeadOffer Accepted(string lead, string partner, Instant offered, Duration after) =>
        new(new LeadId(lead), new PartnerId(partner), OfferOutcome.Accepted) { OfferedAt = offered, RespondedAt = offered + after, Deadline = offered + Duration.FromHours(8) };

    private static LeadOffer Rejected(string lead, string partner, string reason) =>
        new(new LeadId(lead), new PartnerId(partner), OfferOutcome.Rejected) { RejectionReason = reason };

    private static OpportunityHistory Closed(string id, string partner, bool won, decimal amount) =>
        new(new OpportunityId(id), new PartnerId(partner), new Money(amount, CurrencyCode.EUR), PipelineDefinition.Default,
            [new StageChange(null, "Qualification", Friday, "u"), new StageChange("Qualification", won ? "Closed won" : "Closed lost", Friday + Duration.FromDays(9), "u")]);

    [Fact]
    public void Compute_TimeToAccept_BusinessTimeFollowsThePartnersCalendar()
    {
        var (_, events) = LeadThroughThreePartners(new FakeClock(Friday));
        var berlin = BusinessCalendar.WeekdaysNineToFive(DateTimeZoneProviders.Tzdb["Europe/Berlin"]);
        var p3 = new Partner(Tenant, new PartnerId("P3"), "Dealer", PartnerTier.Gold) { Calendar = berlin };

        var report = PartnerKpiReport.Compute(LeadOffers.FromEvents(events), [], new PartnerKpiOptions(CurrencyCode.EUR, Now), [p3]);

        // Offered Fri 16:00 UTC = 17:00 Berlin (after hours), accepted Mon 10:00 UTC = 11:00 Berlin:
        // business time Mon 09:00–11:00 = 2 h; wall time 66 h.
        var kpis = report.Find(new PartnerId("P3"))!;
        Assert.Equal(Duration.FromHours(2), kpis.TimeToAcceptBusiness.Median);
        Assert.Equal(Duration.FromHours(66), kpis.TimeToAcceptWall.Median);
        Assert.Equal(1, kpis.SlaBreaches);
        Assert.Equal((1, 1, 0, 0), (report.Find(new PartnerId("P1"))!.LeadsReceived, report.Find(new PartnerId("P1"))!.Rejected, report.Find(new PartnerId("P1"))!.Accepted, report.Find(new PartnerId("P1"))!.Expired));
        Assert.Equal(1, report.Find(new PartnerId("P2"))!.Expired);
        Assert.Equal(1, report.Find(new PartnerId("P1"))!.RejectedByReason["too far"]);
    }

    [Fact]
    public void Compute_Rates_AreShrunkTowardTheNetworkWithIntervals()
    {
        // Network: 6 accepted of 10 decided = 0.6. P1: 5 of 5. P2: 1 of 5. Strength 10:
        // P1 = (5 + 6) ÷ 15 = 0.7333; P2 = (1 + 6) ÷ 15 = 0.4667.
        var offers = new List<LeadOffer>();
        for (var i = 0; i < 5; i++)
        {
            offers.Add(Accepted($"a{i}", "P1", Friday, Duration.FromHours(1)));
            offers.Add(i == 0 ? Accepted($"b{i}", "P2", Friday, Duration.FromHours(3)) : Rejected($"b{i}", "P2", i % 2 == 0 ? "too far" : "no capacity"));
        }

        var report = PartnerKpiReport.Compute(offers, [], new PartnerKpiOptions(CurrencyCode.EUR, Now));

        Assert.Equal(0.6, report.Network.AcceptanceRate, 10);
        var p1 = report.Find(new PartnerId("P1"))!.AcceptanceRate;
        var p2 = report.Find(new PartnerId("P2"))!.AcceptanceRate;
        Assert.Equal((1.0, 0.7333), (p1.Raw!.Value, Math.Round(p1.Estimate, 4)));
        Assert.Equal(0.4667, Math.Round(p2.Estimate, 4));
        Assert.True(p1.Lower < p1.Estimate && p1.Estimate < p1.Upper);
        Assert.Equal(2, report.Find(new PartnerId("P2"))!.RejectedByReason["too far"]);
    }

    [Fact]
    public void Compute_ConversionWinRateDealSizeAndPipeline()
    {
        var offers = new[]
        {
            Accepted("l1", "P1", Friday, Duration.FromHours(1)) with { ConvertedTo = new OpportunityId("o1") },
            Accepted("l2", "P1", Friday, Duration.FromHours(1)) with { ConvertedTo = new OpportunityId("o2") },
            Accepted("l3", "P1", Friday, Duration.FromHours(1)) with { ConvertedTo = new OpportunityId("o-open") },
            Accepted("l4", "P1", Friday, Duration.FromHours(1)) with { ClosedWithoutOpportunity = true },
        };
        var histories = new[] { Closed("o1", "P1", won: true, 3_000m), Closed("o2", "P1", won: false, 1_000m), Closed("o3", "P2", won: true, 1_000m) };
        var pipeline = PipelineSnapshot.FromRows([new PipelineRow(new PartnerId("P1"), new Money(2_000m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2025, 3, 1))]);

        var report = PartnerKpiReport.Compute(offers, histories, new PartnerKpiOptions(CurrencyCode.EUR, Now), openPipeline: pipeline);

        var p1 = report.Find(new PartnerId("P1"))!;
        Assert.Equal((1L, 3L), (p1.Conversion.Successes, p1.Conversion.Trials)); // o1 won; o2 lost; l4 closed; o-open undecided
        Assert.Equal((1L, 2L), (p1.WinRate.Successes, p1.WinRate.Trials));
        Assert.Equal(new Money(3_000m, CurrencyCode.EUR), p1.AverageDealSize);
        Assert.Equal(new Money(2_000m, CurrencyCode.EUR), report.Network.AverageDealSize);
        Assert.Equal(new Money(2_166.67m, CurrencyCode.EUR), p1.ShrunkAverageDealSize); // (1·3,000 + 5·2,000) ÷ 6
        Assert.Equal((new Money(2_000m, CurrencyCode.EUR), new Money(1_000m, CurrencyCode.EUR)), (p1.OpenPipeline, p1.WeightedPipeline));
    }

    [Fact]
    public void Compute_CloseMonthDating_ConvertsEachWonDealAtItsMonthsRateAndOpenDealsAtTheirCloseMonths()
    {
        // Won on 2025-01-19 (Friday + 9 days) and on 2025-02-10; USD → EUR 0.90 from January, 0.80 from February.
        var rates = new DatedExchangeRates()
            .Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2025, 1, 1), 0.90m)
            .Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2025, 2, 1), 0.80m);
        var january = new OpportunityHistory(new OpportunityId("o1"), new PartnerId("P1"), new Money(1_000m, CurrencyCode.USD), PipelineDefinition.Default,
            [new StageChange(null, "Qualification", Friday, "u"), new StageChange("Qualification", "Closed won", Friday + Duration.FromDays(9), "u")]);
        var february = new OpportunityHistory(new OpportunityId("o2"), new PartnerId("P1"), new Money(2_000m, CurrencyCode.USD), PipelineDefinition.Default,
            [new StageChange(null, "Qualification", Friday, "u"), new StageChange("Qualification", "Closed won", Instant.FromUtc(2025, 2, 10, 9, 0), "u")]);
        var pipeline = PipelineSnapshot.FromRows([new PipelineRow(new PartnerId("P1"), new Money(500m, CurrencyCode.USD), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2025, 1, 20))]);
        var corporate = new PartnerKpiOptions(CurrencyCode.EUR, Now) { Rates = rates }; // Now is in February

        var atCorporate = PartnerKpiReport.Compute([], [january, february], corporate, openPipeline: pipeline).Find(new PartnerId("P1"))!;
        var dated = PartnerKpiReport.Compute([], [january, february], corporate with { RateDating = ExchangeRateDating.CloseMonth }, openPipeline: pipeline).Find(new PartnerId("P1"))!;

        Assert.Equal((new Money(1_200m, CurrencyCode.EUR), new Money(400m, CurrencyCode.EUR)), (atCorporate.AverageDealSize, atCorporate.OpenPipeline)); // 3,000 × 0.80 ÷ 2
        Assert.Equal((new Money(1_250m, CurrencyCode.EUR), new Money(450m, CurrencyCode.EUR)), (dated.AverageDealSize, dated.OpenPipeline)); // (900 + 1,600) ÷ 2; 500 × 0.90
    }

    [Fact]
    public void Scorecard_RanksByCompositeAndGivesUnknownPartnersTheNetworkScore()
    {
        var offers = new List<LeadOffer>();
        for (var i = 0; i < 20; i++)
        {
            offers.Add(Accepted($"good{i}", "good", Friday, Duration.FromMinutes(20)));
            offers.Add(i < 5 ? Accepted($"slow{i}", "slow", Friday, Duration.FromHours(30)) : Rejected($"slow{i}", "slow", "busy"));
        }

        var partners = new[] { new Partner(Tenant, new PartnerId("newcomer"), "New", PartnerTier.Registered) };
        var report = PartnerKpiReport.Compute(offers, [], new PartnerKpiOptions(CurrencyCode.EUR, Now), partners);
        var card = report.Scorecard;

        Assert.Equal(["good", "newcomer", "slow"], card.Ranked.Select(s => s.Partner.Value));
        Assert.Equal(1, card.Find(new PartnerId("good"))!.Rank);
        Assert.Equal(card.DefaultScore, card.ScoreOf(new PartnerId("never-seen")));
        Assert.Equal(card.DefaultScore, card.ScoreOf(new PartnerId("newcomer")), 12);
        Assert.All(card.Ranked, s => Assert.InRange(s.Score, 0, 1));
    }

    [Fact]
    public void Compute_InvalidWeights_Throw() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PartnerKpiReport.Compute([], [], new PartnerKpiOptions(CurrencyCode.EUR, Now) { Weights = new ScorecardWeights { Acceptance = -1 } }));

    [Fact]
    public async Task FromStoresAsync_PartnerScope_ReportsOnlyThatPartner()
    {
        var clock = new FakeClock(Friday);
        var store = new InMemoryStore();
        var (lead, _) = LeadThroughThreePartners(clock);
        await store.AddAsync(lead);
        var opportunity = SalesOpportunity.Open(Tenant, new OpportunityId("opp-1"), new SalesOpportunityDraft(new PartnerId("P3"), new Money(500m, CurrencyCode.EUR), new LocalDate(2025, 3, 1)), PipelineDefinition.Default, "P3", clock);
        opportunity.CloseWon("signed", "P3", clock);
        await store.AddAsync(opportunity);
        await store.UpsertAsync(new Partner(Tenant, new PartnerId("P3"), "Dealer", PartnerTier.Gold));

        var all = await PartnerKpiReport.FromStoresAsync(store, store, store, AccessScope.Manufacturer(Tenant), new PartnerKpiOptions(CurrencyCode.EUR, Now));
        var own = await PartnerKpiReport.FromStoresAsync(store, store, store, AccessScope.ForPartner(Tenant, new PartnerId("P3")), new PartnerKpiOptions(CurrencyCode.EUR, Now));

        Assert.Equal(["P1", "P2", "P3"], all.Partners.Select(p => p.Partner.Value));
        Assert.Equal(["P3"], own.Partners.Select(p => p.Partner.Value));
        Assert.Equal((1L, 1L), (own.Partners[0].Conversion.Successes, own.Partners[0].Conversion.Trials));
    }

    [Fact]
    public void DurationKpi_FiveSamples_HasAMedianInterval()
    {
        var offers = Enumerable.Range(1, 5).Select(h => Accepted($"l{h}", "P1", Friday, Duration.FromHours(h))).ToList();

        var wall = PartnerKpiReport.Compute(offers, [], new PartnerKpiOptions(CurrencyCode.EUR, Now)).Partners[0].TimeToAcceptWall;

        // Nearest rank: median = 3rd of 5 = 3 h, P90 = 5th = 5 h; 90% interval [x(1), x(5)] since P(Bin(5, ½) = 0) = 1/32 ≤ 5%.
        Assert.Equal((Duration.FromHours(3), Duration.FromHours(5), Duration.FromHours(1), Duration.FromHours(5)), (wall.Median!.Value, wall.P90!.Value, wall.MedianLower!.Value, wall.MedianUpper!.Value));
    }
}
