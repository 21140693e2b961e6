using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Workflows;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>Two working hours in nurture and between retries of the queue (fallback calendar: weekdays 09:00–17:00 UTC).</summary>
    private static LeadDistributionOptions RecyclingOptions() => new()
    {
        Recycling = LeadRecyclingPolicy.Default with { Cooldown = Duration.FromHours(2), QueueRetry = Duration.FromHours(2) },
    };

    /// <summary>
    /// A recycled lead (nurture, its rounds with the partner that had accepted it, the cooldown as due
    /// time) and a lead made from a lost deal survive the store exactly; in nurture the lead holds no
    /// capacity and no partner sees it; due work claims it at the end of the cooldown and routes it,
    /// and retries the queue of each tenant on its own.
    /// </summary>
    [ConformanceFact]
    public async Task Recycling_NurtureRoundsAndLostDealLink_RoundTripAndComeBackPerTenant()
    {
        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1));
        var workflow = ConformanceWorkflow.For(Store, Clock, "host-0", Pipelines, RecyclingOptions());
        await workflow.Intake.CaptureAsync(TenantA, new LeadId("c-1"), Details("Recycled GmbH"), "sales");
        await workflow.Intake.QualifyAsync(TenantA, new LeadId("c-1"), LeadQualification.Full, "sales");
        var assigned = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("c-1")))!;
        assigned.Accept(P1, Clock);
        await Store.Leads.UpdateAsync(assigned);
        await workflow.Intake.DisqualifyAsync(TenantA, new LeadId("c-1"), "went quiet", "sales");
        await workflow.Intake.CaptureAsync(TenantB, new LeadId("c-1"), Details("Queued AG"), "sales");
        await workflow.Intake.QualifyAsync(TenantB, new LeadId("c-1"), LeadQualification.Full, "sales"); // no partner in B: queued

        var recycled = await workflow.Recycling.RecycleAsync(TenantA, new LeadId("c-1"), "back in the market", "marketing");
        var fromDeal = Lead.RecycleLostDeal(TenantA, new LeadId("o-9-recycled"), Details("Lost Deal KG"), new OpportunityId("o-9"), "contract ends", Start + Duration.FromHours(2), "marketing", Clock);
        await Store.Leads.AddAsync(fromDeal);

        var stored = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("c-1")))!;
        Assert.Equal(Doc(recycled), Doc(stored));
        Assert.Equal((LeadState.Nurture, (Instant?)(Start + Duration.FromHours(2))), (stored.State, stored.NextDueAt));
        Assert.Equal((LeadState.Disqualified, (PartnerId?)P1), (stored.Recycling!.Rounds[0].From, stored.Recycling.Rounds[0].AcceptedBy));
        Assert.Equal(Doc(fromDeal), Doc((await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), fromDeal.Id))!));
        Assert.Null(await Store.Leads.FindAsync(AccessScope.ForPartner(TenantA, P1), new LeadId("c-1")));
        Assert.Equal(["c-1", "o-9-recycled"], (await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(TenantA), new LeadQuery { States = [LeadState.Nurture] }))).Select(l => l.Id.Value));
        await AssertLoadMatchesLeadsAsync(TenantA);

        Assert.Equal(0, (await workflow.Processor.ProcessDueAsync(Start + Duration.FromHours(2) - Duration.Epsilon)).ReturnedFromNurture);
        var report = await workflow.Processor.ProcessDueAsync(Start + Duration.FromHours(2));

        Assert.Equal((2, 1), (report.ReturnedFromNurture, report.QueueRetries));
        var back = (await Store.Leads.FindAsync(AccessScope.ForPartner(TenantA, P1), new LeadId("c-1")))!;
        Assert.Equal((LeadState.Assigned, 1), (back.State, back.Recycling!.Count));
        var queued = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantB), new LeadId("c-1")))!;
        Assert.Equal((LeadState.Unroutable, (Instant?)(Start + Duration.FromHours(4)), (LeadRecycling?)null), (queued.State, queued.NextDueAt, queued.Recycling));
        await AssertLoadMatchesLeadsAsync(TenantA, (P1, 2));
    }
}
