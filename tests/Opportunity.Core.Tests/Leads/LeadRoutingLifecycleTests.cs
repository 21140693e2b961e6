using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Core.Tests.Leads;

public sealed class LeadRoutingLifecycleTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly PartnerId A = new("P-a");
    private static readonly PartnerId B = new("P-b");
    private static readonly PartnerId C = new("P-c");

    private static (Lead Lead, FakeClock Clock) Qualified()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 3, 4, 10, 0));
        var details = new LeadDetails
        {
            Source = "web",
            Company = "ACME",
            Contact = new LeadContact("Jane", "jane@acme.example", "+49 89 1234567"),
            Location = new LeadLocation(new CountryCode("DE"), "80331", "München", new GeoPoint(48.1, 11.5)),
            ProductInterest = "heat-pumps",
        };
        var lead = Lead.Capture(Tenant, new LeadId("L-1"), details, "sales", clock);
        lead.Qualify(LeadQualification.Full, "sales", clock);
        return (lead, clock);
    }

    private static Instant Deadline(FakeClock clock) => clock.GetCurrentInstant() + Duration.FromDays(1);

    [Fact]
    public void Offer_RejectByOneThenAcceptByAnother_WithdrawsTheRest()
    {
        var (lead, clock) = Qualified();
        lead.Offer([A, B, C], Deadline(clock), "system", clock);
        Assert.Equal(LeadState.Offered, lead.State);
        Assert.Equal([A, B, C], lead.PendingPartners);

        lead.Reject(A, "busy", clock);
        Assert.Equal(LeadState.Offered, lead.State);
        Assert.Equal([B, C], lead.Offers);
        lead.Accept(C, clock);

        Assert.Equal(LeadState.Accepted, lead.State);
        Assert.Equal(C, lead.AssignedPartner);
        Assert.Empty(lead.Offers);
        var withdrawn = Assert.IsType<LeadOffersWithdrawn>(lead.PendingEvents[^1]);
        Assert.Equal([B], withdrawn.Partners);
    }

    [Fact]
    public void Offer_EveryPartnerRejects_LeadIsRejected()
    {
        var (lead, clock) = Qualified();
        lead.Offer([A, B], Deadline(clock), "system", clock);
        lead.Reject(A, "busy", clock);
        lead.Reject(B, "busy", clock);
        Assert.Equal(LeadState.Rejected, lead.State);
        Assert.Equal([A, B], lead.ExcludedPartners);
    }

    [Fact]
    public void Offer_Recall_ExpiresEveryOfferedPartner()
    {
        var (lead, clock) = Qualified();
        lead.Offer([A, B], Deadline(clock), "system", clock);
        lead.Recall("system", clock);
        Assert.Equal(LeadState.SlaExpired, lead.State);
        Assert.Equal([A, B], lead.ExpiredPartners);
        Assert.Equal(2, lead.PendingEvents.OfType<LeadRecalled>().Count());
    }

    [Fact]
    public void Offer_ToAnExcludedPartnerOrTwice_IsRefused()
    {
        var (lead, clock) = Qualified();
        lead.Assign(A, Deadline(clock), "system", clock);
        lead.Reject(A, "no", clock);
        Assert.Equal(OpportunityErrorCodes.ExcludedPartner, Assert.Throws<DomainRuleException>(() => lead.Offer([A, B], Deadline(clock), "system", clock)).ErrorCode);
        Assert.Throws<ArgumentException>(() => lead.Offer([B, B], Deadline(clock), "system", clock));
        Assert.Throws<ArgumentException>(() => lead.Offer([], Deadline(clock), "system", clock));
    }

    [Fact]
    public void Escalation_StepsFireInOrderOnce_AndResetOnReassignment()
    {
        var (lead, clock) = Qualified();
        lead.Assign(A, Deadline(clock), "system", clock);
        Assert.Equal(OpportunityErrorCodes.EscalationOrder, Assert.Throws<DomainRuleException>(() => lead.Escalate(1, _ => "cm@acme.example", "system", clock)).ErrorCode);
        lead.RemindPartners(0, "system", clock);
        Assert.Throws<DomainRuleException>(() => lead.RemindPartners(0, "system", clock));
        lead.Escalate(1, _ => "cm@acme.example", "system", clock);
        Assert.Equal(2, lead.EscalationStepsFired);
        Assert.Equal("cm@acme.example", lead.PendingEvents.OfType<LeadEscalated>().Single().ChannelManager);

        lead.Recall("system", clock);
        lead.Assign(B, Deadline(clock), "system", clock);
        Assert.Equal(0, lead.EscalationStepsFired);
        Assert.Throws<InvalidStateTransitionException>(() => new Action(() => { lead.Accept(B, clock); lead.RemindPartners(0, "system", clock); })());
    }

    [Fact]
    public void Registration_ApproveOrReject()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 3, 4, 10, 0));
        var approved = Lead.Register(Tenant, new LeadId("R-1"), new LeadDetails { Source = "partner" }, A, clock);
        Assert.Equal(LeadState.PendingApproval, approved.State);
        Assert.Throws<InvalidStateTransitionException>(() => approved.Qualify(LeadQualification.Full, "sales", clock));
        approved.ApproveRegistration("cm", clock);
        Assert.Equal((LeadState.Accepted, A), (approved.State, approved.AssignedPartner!.Value));

        var rejected = Lead.Register(Tenant, new LeadId("R-2"), new LeadDetails { Source = "partner" }, A, clock);
        rejected.RejectRegistration("duplicate of R-1", "cm", clock);
        Assert.Equal(LeadState.Disqualified, rejected.State);
        Assert.Throws<InvalidStateTransitionException>(() => rejected.ApproveRegistration("cm", clock));
        Assert.Throws<ArgumentException>(() => Lead.Register(Tenant, new LeadId("R-3"), new LeadDetails { Source = "partner" }, A, clock).RejectRegistration(" ", "cm", clock));
    }

    [Fact]
    public void FollowUpAndActivity_OnlyOnAcceptedLeads()
    {
        var (lead, clock) = Qualified();
        Assert.Throws<InvalidStateTransitionException>(() => lead.RequestFollowUp(1, "system", clock));
        lead.Assign(A, Deadline(clock), "system", clock);
        lead.Accept(A, clock);
        clock.AdvanceDays(3);
        lead.RecordActivity("called", "P-a", clock);
        lead.RequestFollowUp(1, "system", clock);
        var request = Assert.IsType<FollowUpRequested>(lead.PendingEvents[^1]);
        Assert.Equal((A, 1, clock.GetCurrentInstant()), (request.Partner, request.Request, request.InactiveSince));
        Assert.Throws<ArgumentOutOfRangeException>(() => lead.RequestFollowUp(0, "system", clock));
    }

    [Fact]
    public void ViewFor_RedactsBeforeAcceptance_AndRefusesStrangers()
    {
        var (lead, clock) = Qualified();
        Assert.Null(lead.ViewFor(A));
        lead.Assign(A, Deadline(clock), "system", clock);
        var policy = LeadPrivacyPolicy.Default with { VisibleBeforeAcceptance = LeadField.Company | LeadField.PostalArea, PostalAreaLength = 3 };

        var before = lead.ViewFor(A, policy)!;
        Assert.Equal(("ACME", "803"), (before.Company, before.PostalCode));
        Assert.Null(before.ContactName);
        Assert.Null(before.Point);
        Assert.Null(before.ProductInterest);
        Assert.Null(lead.ViewFor(B, policy));

        lead.Accept(A, clock);
        var after = lead.ViewFor(A, policy)!;
        Assert.Equal(("Jane", "+49 89 1234567", "80331"), (after.ContactName, after.ContactPhone, after.PostalCode));
        Assert.Equal(new GeoPoint(48.1, 11.5), after.Point);

        lead.Convert(new OpportunityId("O-1"), "P-a", clock);
        Assert.True(lead.ViewFor(A)!.IsAccepted);
        Assert.Throws<ArgumentOutOfRangeException>(() => LeadPrivacyPolicy.Default with { PostalAreaLength = 0 });
    }

    [Fact]
    public void LinkDuplicate_RecordsTheLinkAndRefusesSelf()
    {
        var (lead, clock) = Qualified();
        lead.LinkDuplicate(new LeadDuplicateLink(new LeadId("L-0"), null, A, "company"), "system", clock);
        Assert.Equal("L-0", lead.DuplicateOf!.ExistingLead?.Value);
        Assert.Throws<ArgumentException>(() => lead.LinkDuplicate(new LeadDuplicateLink(lead.Id, null, null, "company"), "system", clock));
    }

    [Fact]
    public void Snapshot_RoundTripsTheNewFields()
    {
        var (lead, clock) = Qualified();
        lead.Offer([A, B], Deadline(clock), "system", clock);
        lead.RemindPartners(0, "system", clock);
        var copy = Lead.FromSnapshot(lead.ToSnapshot());
        Assert.Equal(lead.Offers, copy.Offers);
        Assert.Equal(1, copy.EscalationStepsFired);
        Assert.Equal(LeadState.Offered, copy.State);
    }
}
