using NodaTime;
using Opportunity.Kpis;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Routing;

namespace Opportunity.Core.Tests.Kpis;

public sealed class PartnerKpiRoutingTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly Instant Monday = Instant.FromUtc(2026, 11, 2, 9, 0);

    private static Partner Dealer(string id) => new(Tenant, new PartnerId(id), $"Dealer {id}", PartnerTier.Silver)
    {
        Territories = [new Territory(new CountryCode("DE"))],
        Calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc),
    };

    private static LeadOffer Offer(int n, string partner, OfferOutcome outcome, int minutes) =>
        new(new LeadId($"L{n}"), new PartnerId(partner), outcome) { OfferedAt = Monday, RespondedAt = Monday + Duration.FromMinutes(minutes), Deadline = Monday + Duration.FromHours(8) };

    [Fact]
    public void ToPerformanceTable_CarriesRawRatesAndBusinessTimeToAccept_AndSteersThePerformanceScorer()
    {
        // "fast" accepts 4 of 4 within 30 minutes; "slow" accepts 1 of 4 after 6 hours and rejects 3.
        var offers = Enumerable.Range(0, 4).Select(i => Offer(i, "fast", OfferOutcome.Accepted, 30))
            .Concat([Offer(10, "slow", OfferOutcome.Accepted, 360)])
            .Concat(Enumerable.Range(11, 3).Select(i => Offer(i, "slow", OfferOutcome.Rejected, 60) with { RejectionReason = "busy" }))
            .ToList();
        var report = PartnerKpiReport.Compute(offers, [], new PartnerKpiOptions(CurrencyCode.EUR, Monday + Duration.FromDays(1)), [Dealer("fast"), Dealer("slow")]);

        var table = report.ToPerformanceTable();

        var fast = table.Find(new PartnerId("fast"))!;
        var slow = table.Find(new PartnerId("slow"))!;
        Assert.Equal(1.0, fast.AcceptanceRate);
        Assert.Equal(0.25, slow.AcceptanceRate);
        Assert.Equal(Duration.FromMinutes(30), fast.MedianTimeToAccept);
        Assert.Equal(Duration.FromHours(6), slow.MedianTimeToAccept);
        Assert.Equal(4, slow.LeadsOffered);

        var rules = RoutingRuleSet.Create("by-performance").InTerritory().ScoreByPerformance().PickHighestScore().Build();
        var lead = new LeadDetails { Source = "web", Location = new LeadLocation(new CountryCode("DE")) };
        var decision = rules.Route(new RoutingRequest(new LeadId("L-new"), lead, Monday) { Seed = 3 }, RoutingNetwork.Build([Dealer("slow"), Dealer("fast")]), performance: table);
        Assert.Equal(new PartnerId("fast"), decision.Partner);
    }
}
