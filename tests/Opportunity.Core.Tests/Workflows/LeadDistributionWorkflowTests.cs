using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

public sealed class LeadDistributionWorkflowTests
{
    private static readonly Instant Tuesday10 = Instant.FromUtc(2025, 3, 4, 10, 0);

    private static DistributionHarness RoundRobin(Action<LeadDistributionOptions>? more = null) =>
        Create(Tuesday10, o =>
        {
            o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().WithinCapacity().PickRoundRobin().Build();
            more?.Invoke(o);
        });

    [Fact]
    public async Task QualifyAsync_RoutesAndAssignsWithTheLadderDeadlineInThePartnersCalendar()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"));

        var lead = await h.CaptureAndQualifyAsync("L-1");

        Assert.Equal(LeadState.Assigned, lead.State);
        Assert.Equal("P-a", lead.AssignedPartner!.Value.Value);
        Assert.Equal(Instant.FromUtc(2025, 3, 7, 10, 0), lead.AcceptanceDeadline); // 24 working hours of 9–17: Friday 10:00
        Assert.Equal(Instant.FromUtc(2025, 3, 4, 14, 0), lead.NextDueAt);          // reminder after 4 working hours
        var assigned = Assert.Single(await h.EventsAsync<LeadAssigned>());
        Assert.Equal(lead.AcceptanceDeadline, assigned.AcceptanceDeadline);
    }

    [Fact]
    public async Task RejectAsync_ReroutesExcludingThePartner_ThenUnroutableWhenNobodyIsLeft()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await h.CaptureAndQualifyAsync("L-1");

        var second = await h.PartnerLeads.RejectAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), "no installer free");
        Assert.Equal("P-b", second!.Partner!.Value.Value);
        Assert.Equal("excludePrevious: already rejected this lead or let it expire", second.Trace.WhyRemoved(new PartnerId("P-a")));

        var third = await h.PartnerLeads.RejectAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1"), "too far");
        var lead = await h.LeadAsync("L-1");
        Assert.Equal(RoutingOutcome.Unroutable, third!.Outcome);
        Assert.Equal(LeadState.Unroutable, lead.State);
        Assert.Equal("all 2 candidate(s) were removed (excludePrevious 2)", lead.StateReason);
        Assert.Equal(2, (await h.EventsAsync<LeadRejected>()).Count);
        Assert.Equal(3, (await h.Router.ExplainAsync(Tenant, new LeadId("L-1"))).Count);
    }

    [Fact]
    public async Task AcceptAsync_ByAnotherPartner_IsRefused()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await h.CaptureAndQualifyAsync("L-1");
        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() => h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1")));
        Assert.Equal(OpportunityErrorCodes.PartnerNotAssigned, ex.ErrorCode);
        Assert.Equal(("P-b", "Lead", "L-1"), (ex.Partner.Value, ex.Kind, ex.Id));
        Assert.DoesNotContain("P-a", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptAsync_UnknownLead_ThrowsNotFoundNamingTheLead()
    {
        using var h = RoundRobin();

        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-404")));

        Assert.Equal((OpportunityErrorCodes.LeadNotFound, "Lead", "L-404"), (ex.ErrorCode, ex.Kind, ex.Id));
    }

    [Fact]
    public async Task AssignManuallyAsync_UnknownOrInactivePartner_ThrowsNotFoundOrRuleAndSavesNothing()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-idle") with { IsActive = false });
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-1"), Details(), "web");

        var unknown = await Assert.ThrowsAsync<EntityNotFoundException>(() => h.Intake.AssignManuallyAsync(Tenant, new LeadId("L-1"), new PartnerId("P-x"), "cm"));
        var inactive = await Assert.ThrowsAsync<DomainRuleException>(() => h.Intake.AssignManuallyAsync(Tenant, new LeadId("L-1"), new PartnerId("P-idle"), "cm"));

        Assert.Equal((OpportunityErrorCodes.PartnerNotFound, "P-x"), (unknown.ErrorCode, unknown.Id));
        Assert.Equal(OpportunityErrorCodes.PartnerInactive, inactive.ErrorCode);
        Assert.Equal(LeadState.Captured, (await h.LeadAsync("L-1")).State);
    }

    [Fact]
    public async Task FindForPartnerAsync_HidesContactDataUntilAcceptance()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await h.CaptureAndQualifyAsync("L-1");

        var before = await h.PartnerLeads.FindForPartnerAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));
        Assert.NotNull(before);
        Assert.False(before.IsAccepted);
        Assert.Null(before.Company);
        Assert.Null(before.ContactEmail);
        Assert.Null(before.ContactPhone);
        Assert.Equal("80", before.PostalCode);
        Assert.Equal("heat-pumps", before.ProductInterest);
        Assert.True(before.HiddenFields.HasFlag(LeadField.Contact));
        Assert.Null(await h.PartnerLeads.FindForPartnerAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1")));

        var after = await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));
        Assert.True(after.IsAccepted);
        Assert.Equal("Company L-1", after.Company);
        Assert.Equal("x@l-1.example", after.ContactEmail);
        Assert.Equal("80331", after.PostalCode);
        Assert.Equal(LeadField.None, after.HiddenFields);
        Assert.Single(await h.PartnerLeads.ListForPartnerAsync(Tenant, new PartnerId("P-a")).ToListAsync());
        Assert.Empty(await h.PartnerLeads.ListForPartnerAsync(Tenant, new PartnerId("P-b")).ToListAsync());
    }

    [Fact]
    public async Task Broadcast_FirstToAcceptWins_OthersAreWithdrawn()
    {
        using var h = Create(Tuesday10, o => o.RuleSet = RoutingRuleSet.Create("bc").InTerritory().ScoreByLoad().Broadcast(3).Build());
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"), Partner("P-c"));
        var lead = await h.CaptureAndQualifyAsync("L-1");
        Assert.Equal(LeadState.Offered, lead.State);
        Assert.Equal(3, lead.Offers.Count);
        var view = await h.PartnerLeads.FindForPartnerAsync(Tenant, new PartnerId("P-c"), new LeadId("L-1"));
        Assert.Equal(LeadState.Offered, view!.State);
        Assert.Null(view.ContactName);

        await h.PartnerLeads.RejectAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), "busy");
        Assert.Equal(LeadState.Offered, (await h.LeadAsync("L-1")).State);
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-c"), new LeadId("L-1"));

        var withdrawn = Assert.Single(await h.EventsAsync<LeadOffersWithdrawn>());
        Assert.Equal(["P-b"], withdrawn.Partners.Select(p => p.Value));
        Assert.Equal("P-c", withdrawn.AcceptedBy.Value);
        var late = await Assert.ThrowsAsync<ConflictException>(() => h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1")));
        Assert.Equal(OpportunityErrorCodes.LeadAlreadyAccepted, late.ErrorCode);
        Assert.Equal("P-c", late.Winner?.Value);
        Assert.DoesNotContain("P-c", late.Message, StringComparison.Ordinal);
        Assert.Null(await h.PartnerLeads.FindForPartnerAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1")));
    }

    [Fact]
    public async Task AcceptAsync_AnotherPartnerAcceptsBetweenReadAndWrite_IsAConflictNamingTheWinner()
    {
        var store = new InMemoryStore();
        var clock = new NodaTime.Testing.FakeClock(Tuesday10);
        using var rival = Create(Tuesday10, o => o.RuleSet = RoutingRuleSet.Create("bc").InTerritory().ScoreByLoad().Broadcast(2).Build(), store: store, clock: clock);
        // P-a's acceptance lands after P-b's workflow read the offered lead and before it writes.
        using var h = Create(Tuesday10, store: store, clock: clock,
            wrapLeads: inner => new RaceBeforeFirstUpdate(inner, () => rival.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"))));
        await rival.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        Assert.Equal(LeadState.Offered, (await rival.CaptureAndQualifyAsync("L-1")).State);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1")));

        Assert.Equal((OpportunityErrorCodes.LeadAlreadyAccepted, "P-a"), (ex.ErrorCode, ex.Winner?.Value));
        Assert.Equal((LeadState.Accepted, "P-a"), ((await h.LeadAsync("L-1")).State, (await h.LeadAsync("L-1")).AssignedPartner?.Value));
    }

    [Fact]
    public async Task CaptureAsync_DuplicateOfADealInProgress_GoesToThePartnerWorkingIt()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await h.CaptureAndQualifyAsync("L-1", Details(company: "ACME Heizung GmbH & Co. KG", email: "buyer@acme-heizung.de"));
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));

        var capture = await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(company: "Acme Heizung", email: "ceo@ACME-Heizung.de", phone: null), "sales");
        Assert.Equal("L-1", capture.Duplicate!.ExistingLead?.Value);
        Assert.Equal("P-a", capture.Duplicate.WorkingPartner!.Value.Value);
        Assert.Equal("company, emailDomain", capture.Duplicate.MatchedOn);

        var decision = await h.Intake.QualifyAsync(Tenant, new LeadId("L-2"), LeadQualification.Full, "sales");
        Assert.Equal("P-a", decision!.Partner!.Value.Value); // round robin alone would pick P-b
        Assert.Contains("channel conflict: the lead duplicates lead L-1, worked by P-a; matched on company, emailDomain", decision.Format(), StringComparison.Ordinal);
        Assert.Single(await h.EventsAsync<LeadDuplicateDetected>());
    }

    [Fact]
    public async Task CaptureAsync_FreeMailDomainAlone_IsNoDuplicate()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1", Details(company: "One", email: "a@gmail.com", phone: null));
        var capture = await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(company: "Two", email: "b@gmail.com", phone: null), "sales");
        Assert.Null(capture.Duplicate);
    }

    [Fact]
    public async Task DuplicateHandlingManualReview_HoldsTheLeadInTheManufacturerQueue()
    {
        using var h = RoundRobin(o => o.Duplicates = DuplicatePolicy.Default with { Handling = DuplicateHandling.ManualReview });
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1", Details());
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(), "sales");
        var decision = await h.Intake.QualifyAsync(Tenant, new LeadId("L-2"), LeadQualification.Full, "sales");
        var lead = await h.LeadAsync("L-2");
        Assert.Null(decision);
        Assert.Equal(LeadState.Unroutable, lead.State);
        Assert.StartsWith("possible duplicate of lead L-1", lead.StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterDealAsync_ConflictWithAnotherPartnersDeal_NeedsAnOverrideToApprove()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await h.CaptureAndQualifyAsync("L-1", Details(company: "ACME AG", email: "x@acme.de"));

        var registration = await h.Registrations.RegisterDealAsync(Tenant, new PartnerId("P-b"), new LeadId("R-1"), Details(company: "Acme", email: "y@other.de", phone: null));
        Assert.True(registration.IsChannelConflict);
        Assert.Equal(LeadState.PendingApproval, registration.Lead.State);
        Assert.Equal("Acme", (await h.PartnerLeads.FindForPartnerAsync(Tenant, new PartnerId("P-b"), new LeadId("R-1")))!.Company);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => h.Registrations.ApproveDealAsync(Tenant, new LeadId("R-1"), "channel-manager"));
        Assert.Equal(OpportunityErrorCodes.ChannelConflict, ex.ErrorCode);
        Assert.Equal(LeadState.PendingApproval, (await h.LeadAsync("R-1")).State);

        await h.Registrations.ApproveDealAsync(Tenant, new LeadId("R-1"), "channel-manager", overrideConflict: true);
        var approved = await h.LeadAsync("R-1");
        Assert.Equal(LeadState.Accepted, approved.State);
        Assert.Equal("P-b", approved.AssignedPartner!.Value.Value);
        Assert.Single(await h.EventsAsync<DealRegistrationApproved>());
    }

    [Fact]
    public async Task RejectDealAsync_DisqualifiesWithTheReason()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-b"));
        await h.Registrations.RegisterDealAsync(Tenant, new PartnerId("P-b"), new LeadId("R-1"), Details());
        await h.Registrations.RejectDealAsync(Tenant, new LeadId("R-1"), "not a new customer", "channel-manager");
        var lead = await h.LeadAsync("R-1");
        Assert.Equal(LeadState.Disqualified, lead.State);
        Assert.Equal("not a new customer", Assert.Single(await h.EventsAsync<DealRegistrationRejected>()).Reason);
    }

    [Fact]
    public async Task ConvertAsync_OpensAnOpportunityFromTheLeadAndSchedulesFollowUp()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));

        var opportunity = await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), new OpportunityId("O-1"), new LocalDate(2025, 6, 30));
        var again = await h.PartnerLeads.FindForPartnerAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));

        Assert.Equal(new Money(12_000m, CurrencyCode.EUR), opportunity.Amount);
        Assert.Equal("L-1", opportunity.SourceLead!.Value.Value);
        Assert.Equal(Tuesday10 + Duration.FromDays(14), opportunity.NextDueAt);
        Assert.Equal(LeadState.Converted, again!.State);
    }

    [Fact]
    public async Task AssignManuallyAsync_CountsForRoundRobin()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-1"), Details(company: "One", email: "a@one.example", phone: null), "sales");
        await h.Intake.QualifyAsync(Tenant, new LeadId("L-1"), LeadQualification.Full, "sales", route: false);
        await h.Intake.AssignManuallyAsync(Tenant, new LeadId("L-1"), new PartnerId("P-a"), "channel-manager");
        h.Clock.AdvanceMinutes(1);

        var second = await h.CaptureAndQualifyAsync("L-2");

        Assert.Equal("P-b", second.AssignedPartner!.Value.Value);
    }

    [Fact]
    public async Task ExplainAsync_ReturnsThePrintedTrace()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        var record = Assert.Single(await h.Router.ExplainAsync(Tenant, new LeadId("L-1")));
        Assert.Equal(RoutingOutcome.Assigned, record.Outcome);
        Assert.Contains("Routing of lead L-1 with rule set 'rr'", record.Explanation, StringComparison.Ordinal);
        Assert.Contains("Result: assigned to P-a", record.Explanation, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="race"/> once, just before the first lead update goes to the store.</summary>
    private sealed class RaceBeforeFirstUpdate(ILeadStore inner, Func<Task> race) : ILeadStore
    {
        private Func<Task>? _race = race;

        public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default) => inner.FindAsync(scope, id, cancellationToken);

        public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(scope, query, cancellationToken);

        public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default) => inner.FindDuplicateCandidatesAsync(scope, keys, cancellationToken);

        public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => inner.AddAsync(lead, cancellationToken);

        public async Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _race, null) is { } race)
            {
                await race();
            }

            await inner.UpdateAsync(lead, cancellationToken);
        }

        public Task<IReadOnlyList<Lead>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) => inner.ClaimDueAsync(claim, cancellationToken);
    }
}
