using NodaTime;
using NodaTime.Testing;
using Opportunity.Kpis;
using static Opportunity.Core.Tests.Kpis.KpiTestData;

namespace Opportunity.Core.Tests.Kpis;

public sealed class LeadOffersTests
{
    [Fact]
    public void FromEvents_ThreeOffers_OutcomesTimesAndConversion()
    {
        var (_, events) = LeadThroughThreePartners(new FakeClock(Friday));

        var offers = LeadOffers.FromEvents([.. events, events[3]]); // a redelivered event changes nothing

        Assert.Equal(
            [("P1", OfferOutcome.Rejected, "too far"), ("P2", OfferOutcome.Expired, null), ("P3", OfferOutcome.Accepted, null)],
            offers.Select(o => (o.Partner.Value, o.Outcome, o.RejectionReason)));
        Assert.Equal(Instant.FromUtc(2025, 1, 10, 16, 0), offers[2].OfferedAt);
        Assert.Equal(Instant.FromUtc(2025, 1, 13, 10, 0), offers[2].RespondedAt);
        Assert.Equal(new OpportunityId("opp-1"), offers[2].ConvertedTo);
        Assert.True(offers[1].BreachedSla(Friday));
        Assert.True(offers[2].BreachedSla(Friday), "accepted after its 24-hour deadline");
        Assert.False(offers[0].BreachedSla(Friday));
    }

    [Fact]
    public void FromLead_StoredLead_SameOutcomesAsTheEvents()
    {
        var (lead, events) = LeadThroughThreePartners(new FakeClock(Friday));

        var fromLead = LeadOffers.FromLead(lead);

        Assert.Equal(
            LeadOffers.FromEvents(events).Select(o => (o.Partner, o.Outcome, o.RejectionReason, o.ConvertedTo)).OrderBy(o => o.Partner.Value),
            fromLead.Select(o => (o.Partner, o.Outcome, o.RejectionReason, o.ConvertedTo)).OrderBy(o => o.Partner.Value));
        Assert.Null(fromLead.Single(o => o.Partner.Value == "P1").OfferedAt);
    }

    [Fact]
    public void FromLead_PendingAndWithdrawn_AreRecognised()
    {
        var clock = new FakeClock(Friday);
        var lead = Opportunity.Leads.Lead.Capture(Tenant, new LeadId("l2"), new Opportunity.Leads.LeadDetails { Source = "fair" }, "s", clock);
        lead.Qualify(Opportunity.Leads.LeadQualification.Full, "s", clock);
        lead.Assign(new PartnerId("P9"), Friday + Duration.FromHours(2), "s", clock);

        Assert.Equal(OfferOutcome.Pending, LeadOffers.FromLead(lead).Single().Outcome);
        Assert.True(LeadOffers.FromLead(lead).Single().BreachedSla(Friday + Duration.FromHours(3)));

        lead.Disqualify("spam", "s", clock);
        Assert.Equal(OfferOutcome.Withdrawn, LeadOffers.FromLead(lead).Single().Outcome);
        Assert.Equal(OfferOutcome.Withdrawn, LeadOffers.FromEvents(lead.PendingEvents).Single().Outcome);
    }
}
