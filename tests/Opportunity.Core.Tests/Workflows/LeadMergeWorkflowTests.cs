using NodaTime;
using Opportunity.Leads;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Merging duplicate leads through <see cref="LeadIntakeService.MergeAsync"/> on the in-memory store.</summary>
public sealed class LeadMergeWorkflowTests
{
    private static readonly Instant Tuesday10 = Instant.FromUtc(2025, 3, 4, 10, 0);

    private static DistributionHarness ManualReview() =>
        Create(Tuesday10, o =>
        {
            o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().WithinCapacity().PickRoundRobin().Build();
            o.Duplicates = DuplicatePolicy.Default with { Handling = DuplicateHandling.ManualReview };
        });

    [Fact]
    public async Task MergeAsync_HeldDuplicate_EndsMergedLinkedBothWaysWithBothHistoriesKept()
    {
        using var h = ManualReview();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1", Details(company: "ACME AG", email: "a@acme.de"));
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(company: "Acme", email: "b@acme.de"), "web");
        await h.Intake.QualifyAsync(Tenant, new LeadId("L-2"), LeadQualification.Full, "sales");
        Assert.Equal(LeadState.Unroutable, (await h.LeadAsync("L-2")).State); // held for review

        var survivor = await h.Intake.MergeAsync(Tenant, new LeadId("L-1"), new LeadId("L-2"), "same buyer, second web form", "alice");

        var merged = await h.LeadAsync("L-2");
        Assert.Equal([new LeadId("L-2")], survivor.MergedLeads);
        Assert.Equal([new LeadId("L-2")], (await h.LeadAsync("L-1")).MergedLeads);
        Assert.Equal((LeadState.Merged, new LeadId("L-1"), "same buyer, second web form"), (merged.State, merged.MergedInto, merged.StateReason));
        Assert.True(merged.IsClosed);
        Assert.Null(merged.NextDueAt);
        Assert.Equal(LeadState.Assigned, survivor.State);
        Assert.NotNull(merged.DuplicateOf); // the duplicate's own history stays: its link, its capture and qualification events
        var mergedEvent = Assert.Single(await h.EventsAsync<LeadMerged>());
        Assert.Equal((new LeadId("L-1"), LeadState.Unroutable, "alice", "L-2"), (mergedEvent.Into, mergedEvent.FromState, mergedEvent.Actor, mergedEvent.AggregateId));
        Assert.Equal(new LeadId("L-2"), Assert.Single(await h.EventsAsync<LeadDuplicateMerged>()).Duplicate);
    }

    [Fact]
    public async Task MergeAsync_ConvertedHeldSelfOrMergedDuplicate_IsRefusedWithATypedErrorAndChangesNothing()
    {
        using var h = Create(Tuesday10, o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().WithinCapacity().PickRoundRobin().Build());
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-conv");
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-conv"));
        await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), new LeadId("L-conv"), new OpportunityId("O-1"), new LocalDate(2025, 6, 30));
        await h.CaptureAndQualifyAsync("L-held"); // assigned to P-a
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-new"), Details(company: "New"), "web");
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-old"), Details(company: "Old"), "web");
        await h.Intake.MergeAsync(Tenant, new LeadId("L-new"), new LeadId("L-old"), "same", "alice");

        var converted = await Assert.ThrowsAsync<DomainRuleException>(() => h.Intake.MergeAsync(Tenant, new LeadId("L-new"), new LeadId("L-conv"), "same", "alice"));
        var held = await Assert.ThrowsAsync<DomainRuleException>(() => h.Intake.MergeAsync(Tenant, new LeadId("L-new"), new LeadId("L-held"), "same", "alice"));
        var self = await Assert.ThrowsAsync<DomainRuleException>(() => h.Intake.MergeAsync(Tenant, new LeadId("L-new"), new LeadId("L-new"), "same", "alice"));
        var twice = await Assert.ThrowsAsync<InvalidStateTransitionException>(() => h.Intake.MergeAsync(Tenant, new LeadId("L-conv"), new LeadId("L-old"), "same", "alice"));
        var intoMerged = await Assert.ThrowsAsync<InvalidStateTransitionException>(() => h.Intake.MergeAsync(Tenant, new LeadId("L-old"), new LeadId("L-held"), "same", "alice"));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => h.Intake.MergeAsync(Tenant, new LeadId("L-new"), new LeadId("L-missing"), "same", "alice"));

        Assert.Equal(
            [OpportunityErrorCodes.MergeOfConvertedLead, OpportunityErrorCodes.MergeOfHeldLead, OpportunityErrorCodes.MergeIntoItself],
            [converted.ErrorCode, held.ErrorCode, self.ErrorCode]);
        Assert.Equal(("L-old", "L-old"), (twice.AggregateId, intoMerged.AggregateId));
        Assert.Equal(LeadState.Converted, (await h.LeadAsync("L-conv")).State);
        Assert.Equal(LeadState.Assigned, (await h.LeadAsync("L-held")).State);
        Assert.Equal([new LeadId("L-old")], (await h.LeadAsync("L-new")).MergedLeads);
        Assert.Empty((await h.LeadAsync("L-conv")).MergedLeads);
    }

    [Fact]
    public async Task MergeAsync_ConvertedSurvivor_KeepsItsDealAndListsTheDuplicate()
    {
        using var h = Create(Tuesday10, o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().WithinCapacity().PickRoundRobin().Build());
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1", Details(company: "Acme", email: "a@acme.de"));
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));
        await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), new OpportunityId("O-1"), new LocalDate(2025, 6, 30));
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(company: "Acme GmbH", email: "b@acme.de"), "web");

        var survivor = await h.Intake.MergeAsync(Tenant, new LeadId("L-1"), new LeadId("L-2"), "already a deal", "alice");

        Assert.Equal((LeadState.Converted, new OpportunityId("O-1")), (survivor.State, survivor.ConvertedTo));
        Assert.Equal([new LeadId("L-2")], survivor.MergedLeads);
        Assert.Equal(LeadState.Merged, (await h.LeadAsync("L-2")).State);
    }
}
