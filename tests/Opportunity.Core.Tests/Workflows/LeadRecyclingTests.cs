using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Kpis;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Leads come back (issue 14 item 3): recycling into nurture, the queue retried, lost deals recycled; in-memory store, fake clock.</summary>
public sealed class LeadRecyclingTests
{
    // Friday 6 March 2026, 16:00 UTC; the fallback calendar works weekdays 09:00–17:00 UTC.
    private static readonly Instant FridayFour = Instant.FromUtc(2026, 3, 6, 16, 0);

    // 16 working hours from Friday 16:00: Friday 16–17, Monday 9–17, Tuesday 9–16.
    private static readonly Instant TuesdayFour = Instant.FromUtc(2026, 3, 10, 16, 0);

    private static DistributionHarness Harness(int maxRecycles = 2, Duration? queueRetry = null) =>
        Create(FridayFour, o => o.Recycling = LeadRecyclingPolicy.Default with
        {
            MaxRecycles = maxRecycles,
            Cooldown = Duration.FromHours(16),
            QueueRetry = queueRetry ?? Duration.FromHours(16),
        });

    private static LeadRecyclingService Recycling(DistributionHarness h) => h.Services.GetRequiredService<LeadRecyclingService>();

    [Fact]
    public async Task RecycleAsync_DisqualifiedLead_RestsInNurtureForTheCooldownInBusinessTimeThenIsRouted()
    {
        using var h = Harness();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.Intake.DisqualifyAsync(Tenant, new LeadId("L-1"), "no budget this year", "sales");

        var recycled = await Recycling(h).RecycleAsync(Tenant, new LeadId("L-1"), "budget next quarter", "marketing");

        Assert.Equal((LeadState.Nurture, (Instant?)TuesdayFour, (PartnerId?)null), (recycled.State, recycled.NextDueAt, recycled.AssignedPartner));
        var round = Assert.Single(recycled.Recycling!.Rounds);
        Assert.Equal((LeadState.Disqualified, "budget next quarter", (PartnerId?)null), (round.From, round.Reason, round.AcceptedBy)); // withdrawn before P-a accepted
        var recycledEvent = Assert.Single(await h.EventsAsync<LeadRecycled>());
        Assert.Equal((LeadState.Disqualified, 1, TuesdayFour), (recycledEvent.From, recycledEvent.Recycles, recycledEvent.ReturnsAt));
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(TuesdayFour - Duration.Epsilon)).ReturnedFromNurture);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(TuesdayFour)).ReturnedFromNurture);
        var lead = await h.LeadAsync("L-1");
        Assert.Equal((LeadState.Assigned, "P-a"), (lead.State, lead.AssignedPartner!.Value.Value));
        Assert.Equal(2, (await h.Router.ExplainAsync(Tenant, new LeadId("L-1"))).Count); // both rounds' decisions kept
    }

    [Fact]
    public async Task RecycleAsync_RecycledAsOftenAsAllowed_ThrowsRecycleLimitReachedAndChangesNothing()
    {
        using var h = Harness(maxRecycles: 1);
        await h.CaptureAndQualifyAsync("L-1"); // no partner: unroutable
        await Recycling(h).RecycleAsync(Tenant, new LeadId("L-1"), "try again later", "marketing");
        await h.Processor.ProcessDueAsync(TuesdayFour); // still nobody: back in the queue
        Assert.Equal(LeadState.Unroutable, (await h.LeadAsync("L-1")).State);

        var ex = await Assert.ThrowsAsync<DomainRuleException>(() => Recycling(h).RecycleAsync(Tenant, new LeadId("L-1"), "once more", "marketing"));

        Assert.Equal(OpportunityErrorCodes.RecycleLimitReached, ex.ErrorCode);
        var lead = await h.LeadAsync("L-1");
        Assert.Equal((LeadState.Unroutable, 1), (lead.State, lead.Recycling!.Count));
    }

    [Fact]
    public async Task RecycleAsync_AssignedLead_ThrowsInvalidStateTransition()
    {
        using var h = Harness();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");

        await Assert.ThrowsAsync<InvalidStateTransitionException>(() => Recycling(h).RecycleAsync(Tenant, new LeadId("L-1"), "why not", "marketing"));
    }

    [Fact]
    public async Task RecycleAsync_AcceptedDisqualifiedThenWonByAnother_EachPartnerCountsItsAcceptanceOnceAndTheConversionCountsOnce()
    {
        using var h = Harness();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));
        await h.Intake.DisqualifyAsync(Tenant, new LeadId("L-1"), "customer went quiet", "sales");
        await Recycling(h).RecycleAsync(Tenant, new LeadId("L-1"), "customer is back", "marketing");
        await h.Store.UpsertAsync(Partner("P-a") with { IsActive = false });
        await h.AddPartnersAsync(Partner("P-b"));
        h.Services.GetRequiredService<IRoutingNetworkProvider>().Invalidate(Tenant);
        await h.Processor.ProcessDueAsync(TuesdayFour);
        h.Clock.AdvanceHours(1);
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1"));
        await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1"), new OpportunityId("O-1"), new LocalDate(2026, 6, 30));

        var lead = await h.LeadAsync("L-1");
        var fromLead = LeadOffers.FromLead(lead);
        var fromEvents = LeadOffers.FromEvents([.. (await h.Store.ListPendingAsync()).Select(m => DomainEventSerializer.Deserialize(m.Type, m.Payload))]);

        foreach (var offers in new[] { fromLead, fromEvents })
        {
            Assert.Equal(["P-a", "P-b"], offers.Where(o => o.Outcome == OfferOutcome.Accepted).Select(o => o.Partner.Value).Order(StringComparer.Ordinal));
            Assert.Equal("P-b", Assert.Single(offers, o => o.ConvertedTo is not null).Partner.Value);
            Assert.True(Assert.Single(offers, o => o.Partner.Value == "P-a").ClosedWithoutOpportunity);
        }
    }

    [Fact]
    public async Task ProcessDueAsync_UnroutableLead_IsRoutedAgainAfterTheQueueRetry()
    {
        using var h = Harness();
        var queued = await h.CaptureAndQualifyAsync("L-1");
        Assert.Equal((LeadState.Unroutable, (Instant?)TuesdayFour), (queued.State, queued.NextDueAt));
        await h.AddPartnersAsync(Partner("P-a")); // straight into the store: only the schedule finds it
        h.Services.GetRequiredService<IRoutingNetworkProvider>().Invalidate(Tenant);

        var report = await h.Processor.ProcessDueAsync(TuesdayFour);

        Assert.Equal(1, report.QueueRetries);
        Assert.Equal((LeadState.Assigned, "P-a"), ((await h.LeadAsync("L-1")).State, (await h.LeadAsync("L-1")).AssignedPartner!.Value.Value));
    }

    [Fact]
    public async Task ProcessDueAsync_QueueRetryZero_LeavesTheQueueAlone()
    {
        using var h = Harness(queueRetry: Duration.Zero);

        var queued = await h.CaptureAndQualifyAsync("L-1");

        Assert.Null(queued.NextDueAt);
    }

    [Fact]
    public async Task SavePartnerAsync_NewActivatedOrLargerPartner_RoutesTheQueueAtOnce_ARenameDoesNot()
    {
        using var h = Harness();
        await h.CaptureAndQualifyAsync("L-1");
        await h.CaptureAndQualifyAsync("L-2");
        var service = Recycling(h);

        Assert.Equal(0, await service.SavePartnerAsync(Partner("P-a") with { IsActive = false }));
        Assert.Equal(0, await service.SavePartnerAsync(Partner("P-a") with { IsActive = false, Name = "Renamed" }));
        Assert.Equal(1, await service.SavePartnerAsync(Partner("P-a") with { Capacity = 1 }));
        Assert.Equal(0, await service.SavePartnerAsync(Partner("P-a") with { Capacity = 1, Name = "Renamed" }));
        Assert.Equal(1, await service.SavePartnerAsync(Partner("P-a") with { Capacity = 2 }));

        Assert.All([await h.LeadAsync("L-1"), await h.LeadAsync("L-2")], l => Assert.Equal(LeadState.Assigned, l.State));
    }

    [Fact]
    public async Task RecycleLostDealAsync_LostDeal_NewLeadLinkedToTheDealWithTheCustomerRoutedAfterTheCooldown()
    {
        using var h = Harness();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));
        var deal = await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), new OpportunityId("O-1"), new LocalDate(2026, 6, 30));
        var open = await Assert.ThrowsAsync<DomainRuleException>(() => Recycling(h).RecycleLostDealAsync(Tenant, deal.Id, "lost to a competitor", "marketing"));
        deal.CloseLost("lost to a competitor", "P-a", h.Clock);
        await h.Store.UpdateAsync(deal);

        var lead = await Recycling(h).RecycleLostDealAsync(Tenant, deal.Id, "contract ends in a year", "marketing");

        Assert.Equal(OpportunityErrorCodes.DealNotLost, open.ErrorCode);
        Assert.Equal((new LeadId("O-1-recycled"), LeadState.Nurture, (OpportunityId?)deal.Id, (Instant?)TuesdayFour), (lead.Id, lead.State, lead.Recycling!.LostDeal, lead.NextDueAt));
        Assert.Equal((await h.LeadAsync("L-1")).Details, lead.Details);
        Assert.Equal(deal.Id, Assert.Single(await h.EventsAsync<LeadRecycledFromDeal>()).LostDeal);
        var again = await Assert.ThrowsAsync<ConflictException>(() => Recycling(h).RecycleLostDealAsync(Tenant, deal.Id, "twice", "marketing"));
        Assert.Equal(OpportunityErrorCodes.DealAlreadyRecycled, again.ErrorCode);
        await h.Processor.ProcessDueAsync(TuesdayFour);
        Assert.Equal(LeadState.Assigned, (await h.LeadAsync("O-1-recycled")).State);
    }
}
