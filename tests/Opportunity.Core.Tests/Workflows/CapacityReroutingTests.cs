using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.InMemory;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>
/// Issue 11, defect 8, the workflow's part: a host routing on a load view that another host has since
/// changed picks a partner that is full by now; the store refuses the save and the workflow routes the
/// lead again, with that partner at its counted load, instead of putting the partner over its capacity.
/// </summary>
public sealed class CapacityReroutingTests
{
    private static readonly Instant Monday = Instant.FromUtc(2025, 3, 3, 9, 0);

    [Fact]
    public async Task ProcessDueAsync_RecallPicksPartnerAnotherHostFilled_ReroutesToPartnerWithRoom()
    {
        var store = new InMemoryStore();
        var clock = new FakeClock(Monday);
        using var hostA = Create(Monday, Configure, "host-a", store, clock);
        using var hostB = Create(Monday, Configure, "host-b", store, clock);
        await hostA.AddPartnersAsync(Partner("P-1") with { Capacity = 1 }, Partner("P-2") with { Capacity = 1 }, Partner("P-3") with { Capacity = 5 });

        var first = await hostA.CaptureAndQualifyAsync("L-1");   // round robin: nobody assigned yet → P-1
        clock.Advance(Duration.FromHours(1));                   // L-2's deadline comes an hour after L-1's
        var second = await hostB.CaptureAndQualifyAsync("L-2");  // host B reads the counters: P-1 full → P-2, now full too
        var report = await hostA.Processor.ProcessDueAsync(first.AcceptanceDeadline!.Value);  // host A still sees P-2 empty

        Assert.Equal(("P-1", "P-2"), (first.AssignedPartner!.Value.Value, second.AssignedPartner!.Value.Value));
        Assert.Equal((1, 1, 0, 0), (report.Recalls, report.Rerouted, report.Unroutable, report.Failures));
        var rerouted = await hostA.LeadAsync("L-1");
        Assert.Equal((LeadState.Assigned, "P-3"), (rerouted.State, rerouted.AssignedPartner!.Value.Value));
        Assert.Equal(["P-2=1", "P-3=1"], (await store.ListPartnerLoadAsync(Tenant)).Where(l => l.OpenLeads > 0).Select(l => $"{l.Partner}={l.OpenLeads}"));
        var decision = (await hostA.Router.ExplainAsync(Tenant, new LeadId("L-1")))[^1];
        // The decision log keeps the compact summary (issue 11 #14), which names removed partners by id only.
        Assert.Contains("P-2: removed: at capacity (1 of 1 open leads)", decision.Explanation, StringComparison.Ordinal);
        Assert.Single(await hostA.EventsAsync<LeadAssigned>(), e => e.AggregateId == "L-1" && e.Partner.Value == "P-3");
        Assert.DoesNotContain(await hostA.EventsAsync<LeadAssigned>(), e => e.AggregateId == "L-1" && e.Partner.Value == "P-2");
    }

    [Fact]
    public async Task QualifyAsync_OnlyPartnerFilledByAnotherHost_LeadIsUnroutableNotOverCapacity()
    {
        var store = new InMemoryStore();
        var clock = new FakeClock(Monday);
        using var hostA = Create(Monday, Configure, "host-a", store, clock);
        using var hostB = Create(Monday, Configure, "host-b", store, clock);
        await hostA.AddPartnersAsync(Partner("P-1") with { Capacity = 1 });
        var berlin = Details() with { Location = new LeadLocation(new CountryCode("DE"), "10115", "Berlin") };
        await hostA.CaptureAndQualifyAsync("L-0", berlin);       // outside the territory: host A reads the load (P-1 empty) and keeps it

        var taken = await hostB.CaptureAndQualifyAsync("L-1");   // host B gives P-1 its one place
        var late = await hostA.CaptureAndQualifyAsync("L-2");    // host A still sees P-1 empty

        Assert.Equal(LeadState.Assigned, taken.State);
        Assert.Equal((LeadState.Unroutable, (PartnerId?)null), (late.State, late.AssignedPartner));
        Assert.Equal(1, Assert.Single(await store.ListPartnerLoadAsync(Tenant)).OpenLeads);
        var decision = (await hostA.Router.ExplainAsync(Tenant, new LeadId("L-2")))[^1];
        Assert.Contains("removed: at capacity (1 of 1 open leads)", decision.Explanation, StringComparison.Ordinal);
    }

    // Round robin over the territory with the capacity filter; a load view kept for a month, so host A
    // really routes on what it saw last, as a host that has not refreshed yet does.
    private static void Configure(LeadDistributionOptions o)
    {
        o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().WithinCapacity().PickRoundRobin().Build();
        o.LoadRefreshInterval = Duration.FromDays(30);
    }
}
