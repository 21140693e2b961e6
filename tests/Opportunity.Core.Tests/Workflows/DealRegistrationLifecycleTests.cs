using NodaTime;
using Opportunity.Kpis;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Deal registrations as a lifecycle, through the workflows on the in-memory store with a fake clock.</summary>
public sealed class DealRegistrationLifecycleTests
{
    // Friday 6 March 2026, 16:00 UTC: one working hour left before the weekend (weekdays 09:00–17:00 UTC).
    private static readonly Instant FridayFour = Instant.FromUtc(2026, 3, 6, 16, 0);
    private static readonly Instant MondayFour = Instant.FromUtc(2026, 3, 9, 16, 0);
    private static readonly Instant TuesdayFour = Instant.FromUtc(2026, 3, 10, 16, 0);
    private static readonly PartnerId Registrant = new("P-a");
    private static readonly LeadId Registration = new("R-1");

    private static DistributionHarness Harness(Action<LeadDistributionOptions>? configure = null) =>
        Create(FridayFour, o =>
        {
            // 16 working hours each: Friday 16–17, Monday 9–17, Tuesday 9–16.
            o.Registrations = DealRegistrationPolicy.Default with
            {
                ApprovalDeadline = Duration.FromHours(16),
                ProtectionPeriod = Duration.FromHours(16),
                ExpiryWarning = Duration.FromHours(8),
                ExtensionPeriod = Duration.FromHours(8),
            };
            configure?.Invoke(o);
        });

    private static async Task<DistributionHarness> ApprovedOnFridayAsync(Action<LeadDistributionOptions>? configure = null)
    {
        var h = Harness(configure);
        await h.AddPartnersAsync(Partner("P-a"));
        await h.Registrations.RegisterDealAsync(Tenant, Registrant, Registration, Details());
        await h.Registrations.ApproveDealAsync(Tenant, Registration, "channel-manager");
        return h;
    }

    [Fact]
    public async Task ProcessDueAsync_PendingRegistrationPastItsApprovalDeadline_EscalatesOnceToTheChannelManager()
    {
        using var h = Harness();
        await h.AddPartnersAsync(Partner("P-a"));

        var registered = await h.Registrations.RegisterDealAsync(Tenant, Registrant, Registration, Details());

        Assert.Equal(TuesdayFour, registered.Lead.Registration!.ApprovalDueAt);
        Assert.Equal(TuesdayFour, registered.Lead.NextDueAt);
        Assert.Equal(TuesdayFour, Assert.Single(await h.EventsAsync<DealRegistered>()).ApprovalDueAt);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(TuesdayFour - Duration.Epsilon)).RegistrationEscalations);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(TuesdayFour)).RegistrationEscalations);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(TuesdayFour + Duration.FromDays(30))).RegistrationEscalations);
        var overdue = Assert.Single(await h.EventsAsync<DealRegistrationApprovalOverdue>());
        Assert.Equal(("cm-P-a@acme.example", TuesdayFour, "P-a"), (overdue.ChannelManager, overdue.ApprovalDueAt, overdue.Partner.Value));
        var lead = await h.LeadAsync("R-1");
        Assert.Equal((LeadState.PendingApproval, true, (Instant?)null), (lead.State, lead.Registration!.ApprovalEscalated, lead.NextDueAt));
    }

    [Fact]
    public async Task ProcessDueAsync_ApprovedRegistrationAcrossTheWeekend_WarnsThenExpiresAfterItsProtectionInBusinessTime()
    {
        using var h = await ApprovedOnFridayAsync();
        var approved = await h.LeadAsync("R-1");
        Assert.Equal((TuesdayFour, MondayFour), (approved.Registration!.ProtectedUntil, approved.Registration.ExpiryWarningAt));
        Assert.Equal(TuesdayFour, Assert.Single(await h.EventsAsync<DealRegistrationApproved>()).ProtectedUntil);
        Assert.Equal(1, (await h.Store.ListPartnerLoadAsync(Tenant)).Single().OpenLeads);

        // The weekend counts for nothing: 48 calendar hours later neither timer has fired.
        var sunday = await h.Processor.ProcessDueAsync(FridayFour + Duration.FromHours(48));
        Assert.Equal((0, 0), (sunday.RegistrationWarnings, sunday.RegistrationsExpired));
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(MondayFour)).RegistrationWarnings);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(TuesdayFour - Duration.Epsilon)).RegistrationsExpired);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(TuesdayFour)).RegistrationsExpired);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(TuesdayFour + Duration.FromDays(1))).RegistrationsExpired);

        Assert.Equal(TuesdayFour, Assert.Single(await h.EventsAsync<DealRegistrationExpiring>()).ProtectedUntil);
        var expired = Assert.Single(await h.EventsAsync<DealRegistrationExpired>());
        Assert.Equal(("P-a", TuesdayFour), (expired.Partner.Value, expired.ProtectedUntil));
        var lead = await h.LeadAsync("R-1");
        Assert.Equal((LeadState.RegistrationExpired, (Instant?)null), (lead.State, lead.NextDueAt));
        Assert.Equal(0, (await h.Store.ListPartnerLoadAsync(Tenant)).Single().OpenLeads);
        Assert.Null(await h.PartnerLeads.FindForPartnerAsync(Tenant, Registrant, Registration));
        var offer = Assert.Single(LeadOffers.FromLead(lead));
        Assert.Equal((OfferOutcome.Accepted, true), (offer.Outcome, offer.ClosedWithoutOpportunity));
    }

    [Fact]
    public async Task ApproveExtensionAsync_RequestedExtension_MovesTheExpiryByTheExtensionPeriod()
    {
        using var h = await ApprovedOnFridayAsync();
        h.Clock.Reset(MondayFour);
        await h.Registrations.RequestExtensionAsync(Tenant, Registrant, Registration, "Customer's board meets on Wednesday.");

        await h.Registrations.ApproveExtensionAsync(Tenant, Registration, "channel-manager");

        // 8 working hours after Tuesday 16:00: Tuesday 16–17, Wednesday 9–16.
        var wednesdayFour = Instant.FromUtc(2026, 3, 11, 16, 0);
        var lead = await h.LeadAsync("R-1");
        Assert.Equal((wednesdayFour, 1, (string?)null), (lead.Registration!.ProtectedUntil, lead.Registration.Extensions, lead.Registration.PendingExtensionReason));
        Assert.Equal(("Customer's board meets on Wednesday.", TuesdayFour), Assert.Single(await h.EventsAsync<DealRegistrationExtensionRequested>()) is var r ? (r.Reason, r.ProtectedUntil) : default);
        Assert.Equal((wednesdayFour, 1), Assert.Single(await h.EventsAsync<DealRegistrationExtended>()) is var e ? (e.ProtectedUntil, e.Extensions) : default);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(TuesdayFour)).RegistrationsExpired);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(wednesdayFour)).RegistrationsExpired);
    }

    [Fact]
    public async Task RequestExtensionAsync_LimitReachedPendingOrOtherPartner_RefusedWithTypedErrors()
    {
        using var h = await ApprovedOnFridayAsync();
        await h.AddPartnersAsync(Partner("P-b"));

        var other = await Assert.ThrowsAsync<AccessDeniedException>(() => h.Registrations.RequestExtensionAsync(Tenant, new PartnerId("P-b"), Registration, "mine"));
        await h.Registrations.RequestExtensionAsync(Tenant, Registrant, Registration, "more time");
        var pending = await Assert.ThrowsAsync<DomainRuleException>(() => h.Registrations.RequestExtensionAsync(Tenant, Registrant, Registration, "again"));
        await h.Registrations.RejectExtensionAsync(Tenant, Registration, "Close it this quarter.", "channel-manager");
        var none = await Assert.ThrowsAsync<DomainRuleException>(() => h.Registrations.ApproveExtensionAsync(Tenant, Registration, "channel-manager"));
        await h.Registrations.RequestExtensionAsync(Tenant, Registrant, Registration, "please");
        await h.Registrations.ApproveExtensionAsync(Tenant, Registration, "channel-manager");
        var limit = await Assert.ThrowsAsync<DomainRuleException>(() => h.Registrations.RequestExtensionAsync(Tenant, Registrant, Registration, "once more"));

        Assert.Equal(OpportunityErrorCodes.PartnerNotAssigned, other.ErrorCode);
        Assert.Equal(OpportunityErrorCodes.RegistrationExtensionPending, pending.ErrorCode);
        Assert.Equal(OpportunityErrorCodes.RegistrationExtensionNotRequested, none.ErrorCode);
        Assert.Equal(OpportunityErrorCodes.RegistrationExtensionLimit, limit.ErrorCode);
        var declined = Assert.Single(await h.EventsAsync<DealRegistrationExtensionRejected>());
        Assert.Equal(("Close it this quarter.", TuesdayFour), (declined.Reason, declined.ProtectedUntil));
    }

    [Fact]
    public async Task RegisterDealAsync_FirstRegisteredWins_RejectsTheLaterRegistrationNamingTheCompetingOne()
    {
        using var h = Harness(o => o.Registrations = o.Registrations with { ConflictRule = RegistrationConflictRule.FirstRegisteredWins });
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await h.Registrations.RegisterDealAsync(Tenant, Registrant, Registration, Details());

        var later = await h.Registrations.RegisterDealAsync(Tenant, new PartnerId("P-b"), new LeadId("R-2"), Details(email: "john@prospect.example"));

        Assert.Equal((LeadState.Disqualified, (Instant?)null), (later.Lead.State, later.Lead.NextDueAt));
        Assert.Equal(Registration, later.Lead.Registration!.CompetingRegistration);
        Assert.Contains("'R-1'", later.Lead.StateReason, StringComparison.Ordinal);
        var conflict = Assert.Single(await h.EventsAsync<DealRegistrationConflictDetected>());
        Assert.Equal(("P-b", "R-1", "P-a", RegistrationConflictRule.FirstRegisteredWins), (conflict.Partner.Value, conflict.CompetingRegistration.Value, conflict.CompetingPartner.Value, conflict.Rule));
        Assert.Equal("P-b", Assert.Single(await h.EventsAsync<DealRegistrationRejected>()).Partner.Value);
        Assert.Equal(LeadState.PendingApproval, (await h.LeadAsync("R-1")).State);
    }

    [Fact]
    public async Task ApproveDealAsync_ChannelManagerDecidesAConflict_RefusedNamingTheCompetingRegistrationUntilOverridden()
    {
        using var h = await ApprovedOnFridayAsync();
        await h.AddPartnersAsync(Partner("P-b"));
        var later = await h.Registrations.RegisterDealAsync(Tenant, new PartnerId("P-b"), new LeadId("R-2"), Details(email: "john@prospect.example"));
        Assert.Equal((LeadState.PendingApproval, Registration), (later.Lead.State, later.Lead.Registration!.CompetingRegistration));

        var ex = await Assert.ThrowsAsync<ConflictException>(() => h.Registrations.ApproveDealAsync(Tenant, new LeadId("R-2"), "channel-manager"));

        Assert.Equal((OpportunityErrorCodes.ChannelConflict, "P-a"), (ex.ErrorCode, ex.Winner!.Value.Value));
        Assert.Contains("registration 'R-1'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(RegistrationConflictRule.ChannelManagerDecides, Assert.Single(await h.EventsAsync<DealRegistrationConflictDetected>()).Rule);
    }

    [Fact]
    public async Task RegisterDealAsync_CompetingRegistrationExpired_NoConflict()
    {
        using var h = await ApprovedOnFridayAsync();
        await h.AddPartnersAsync(Partner("P-b"));
        await h.Processor.ProcessDueAsync(TuesdayFour);
        h.Clock.Reset(TuesdayFour);

        var later = await h.Registrations.RegisterDealAsync(Tenant, new PartnerId("P-b"), new LeadId("R-2"), Details(email: "john@prospect.example"));

        Assert.Null(later.Duplicate);
        Assert.Null(later.Lead.Registration!.CompetingRegistration);
        await h.Registrations.ApproveDealAsync(Tenant, new LeadId("R-2"), "channel-manager");
        Assert.Equal(LeadState.Accepted, (await h.LeadAsync("R-2")).State);
    }

    [Fact]
    public async Task ConvertAsync_ApprovedRegistration_StopsItsExpiry()
    {
        using var h = await ApprovedOnFridayAsync();
        h.Clock.Reset(MondayFour);

        await h.PartnerLeads.ConvertAsync(Tenant, Registrant, Registration, new OpportunityId("O-1"), new LocalDate(2026, 6, 30));

        var report = await h.Processor.ProcessDueAsync(TuesdayFour + Duration.FromDays(7));
        Assert.Equal((0, 0), (report.RegistrationWarnings, report.RegistrationsExpired));
        Assert.Empty(await h.EventsAsync<DealRegistrationExpired>());
        Assert.Equal(LeadState.Converted, (await h.LeadAsync("R-1")).State);
    }
}
