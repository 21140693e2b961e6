using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Kpis;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Partners;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Opportunity.Core.Tests.Notifications;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Two-tier distribution through the workflows on the in-memory store: a distributor routes leads on to its resellers and sees their leads and pipeline, redacted.</summary>
public sealed class TwoTierDistributionTests
{
    private static readonly Instant Monday = Instant.FromUtc(2026, 3, 2, 9, 0);
    private static readonly PartnerId D = new("D");
    private static readonly PartnerId R1 = new("R1");
    private static readonly PartnerId R2 = new("R2");
    private static readonly PartnerId X = new("X");

    // The distributor's own rules: the reseller whose territory holds the lead.
    private static readonly RoutingRuleSet DistributorRules = RoutingRuleSet.Create("distributor-d").InTerritory().PickHighestScore().Build();

    private static async Task<DistributionHarness> NetworkAsync(Action<LeadDistributionOptions>? configure = null)
    {
        // The manufacturer routes to its Gold partners (the distributor D and the direct partner X) by territory.
        var h = Create(Monday, o =>
        {
            o.RuleSet = RoutingRuleSet.Create("manufacturer").InTerritory().MinimumTier(PartnerTier.Gold).PickHighestScore().Build();
            configure?.Invoke(o);
        });
        await h.AddPartnersAsync(
            Partner("D", prefixes: ["80", "85"], tier: PartnerTier.Gold) with { ContactEmail = "sales@d.example" },
            Partner("R1", prefixes: ["80"]) with { ParentId = D, ContactEmail = "sales@r1.example" },
            Partner("R2", prefixes: ["10"]) with { ParentId = D },
            Partner("X", prefixes: ["90"], tier: PartnerTier.Gold));
        return h;
    }

    private static async Task<Lead> AssignedToDistributorAsync(DistributionHarness h, string id, string postalCode = "80331")
    {
        await h.CaptureAndQualifyAsync(id, Details(company: $"Company {id}", email: $"x@{id.ToLowerInvariant()}.example", phone: null) with { Location = new LeadLocation(new CountryCode("DE"), postalCode, "Stadt") });
        var lead = await h.LeadAsync(id);
        Assert.Equal(D, lead.AssignedPartner);
        return lead;
    }

    private static DistributorLeadService Distributors(DistributionHarness h) => h.Services.GetRequiredService<DistributorLeadService>();

    [Fact]
    public async Task RouteOnAsync_DistributorsOwnRules_AssignsTheResellerInTerritoryAndNotifiesItOnce()
    {
        using var h = await NetworkAsync();
        await AssignedToDistributorAsync(h, "L-1");

        var decision = await Distributors(h).RouteOnAsync(Tenant, D, new LeadId("L-1"), DistributorRules);

        Assert.Equal((RoutingOutcome.Assigned, (PartnerId?)R1), (decision.Outcome, decision.Partner));
        var lead = await h.LeadAsync("L-1");
        Assert.Equal((LeadState.Assigned, (PartnerId?)R1), (lead.State, lead.AssignedPartner));
        var routedOn = Assert.Single(await h.EventsAsync<LeadRoutedOn>());
        Assert.Equal((R1, D, lead.AcceptanceDeadline!.Value), (routedOn.Partner, routedOn.Distributor, routedOn.AcceptanceDeadline));
        Assert.Equal(2, (await h.Router.ExplainAsync(Tenant, new LeadId("L-1"))).Count);

        var mail = new RecordingChannel("mail");
        using var dispatcher = NotificationTestKit.Dispatcher(h.Store, h.Store, h.Clock, channels: [mail]);
        await dispatcher.DispatchDueAsync();
        var sent = Assert.Single(mail.Delivered, n => n.EventType == nameof(LeadRoutedOn));
        Assert.Equal("sales@r1.example", sent.Recipient.Address);
        Assert.Contains("L-1", sent.Content!.Subject, StringComparison.Ordinal);

        // The reseller works it as any assigned lead.
        await h.PartnerLeads.AcceptAsync(Tenant, R1, new LeadId("L-1"));
        Assert.Equal(LeadState.Accepted, (await h.LeadAsync("L-1")).State);
    }

    [Fact]
    public async Task RouteOnAsync_NoResellerMatches_LeadStaysWithTheDistributorWhichMayAcceptIt()
    {
        using var h = await NetworkAsync();
        await AssignedToDistributorAsync(h, "L-2", postalCode: "85001");

        var decision = await Distributors(h).RouteOnAsync(Tenant, D, new LeadId("L-2"), DistributorRules);

        Assert.Equal(RoutingOutcome.Unroutable, decision.Outcome);
        Assert.Equal((LeadState.Assigned, (PartnerId?)D), ((await h.LeadAsync("L-2")).State, (await h.LeadAsync("L-2")).AssignedPartner));
        Assert.Empty(await h.EventsAsync<LeadRoutedOn>());
        await h.PartnerLeads.AcceptAsync(Tenant, D, new LeadId("L-2"));
        Assert.Equal(LeadState.Accepted, (await h.LeadAsync("L-2")).State);
    }

    [Fact]
    public async Task RouteOnAsync_ByAPartnerNotHoldingTheLead_IsDeniedAndChangesNothing()
    {
        using var h = await NetworkAsync();
        var before = await AssignedToDistributorAsync(h, "L-3");

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() => Distributors(h).RouteOnAsync(Tenant, R1, new LeadId("L-3"), DistributorRules));

        Assert.Equal(OpportunityErrorCodes.PartnerNotAssigned, ex.ErrorCode);
        Assert.Equal(before.Version, (await h.LeadAsync("L-3")).Version);
    }

    [Fact]
    public async Task RouteOnToAsync_PartnerOutsideTheDistributorsTree_IsRefusedNamingIt()
    {
        using var h = await NetworkAsync();
        await AssignedToDistributorAsync(h, "L-4");

        var ex = await Assert.ThrowsAsync<DomainRuleException>(() => Distributors(h).RouteOnToAsync(Tenant, D, new LeadId("L-4"), X));

        Assert.Equal(OpportunityErrorCodes.NotAReseller, ex.ErrorCode);
        Assert.Contains("'X'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(D, (await h.LeadAsync("L-4")).AssignedPartner);
        await Distributors(h).RouteOnToAsync(Tenant, D, new LeadId("L-4"), R2);
        Assert.Equal(R2, (await h.LeadAsync("L-4")).AssignedPartner);
    }

    [Fact]
    public async Task ListNetworkLeadsAsync_ResellersAcceptedLead_ShowsItWithoutContactDataAndNothingOfOthers()
    {
        using var h = await NetworkAsync();
        await AssignedToDistributorAsync(h, "L-5");
        await Distributors(h).RouteOnToAsync(Tenant, D, new LeadId("L-5"), R1);
        await h.PartnerLeads.AcceptAsync(Tenant, R1, new LeadId("L-5"));
        await h.CaptureAndQualifyAsync("L-6", Details(company: "Other AG", email: "o@other.example", phone: null) with { Location = new LeadLocation(new CountryCode("DE"), "90402", "Nürnberg") });
        Assert.Equal(X, (await h.LeadAsync("L-6")).AssignedPartner);
        await AssignedToDistributorAsync(h, "L-7");

        var views = await Distributors(h).ListNetworkLeadsAsync(Tenant, D).ToListAsync();

        Assert.Equal(["L-5", "L-7"], views.Select(v => v.Id.Value).Order(StringComparer.Ordinal));
        var resellers = Assert.Single(views, v => v.Id.Value == "L-5");
        Assert.Equal((R1, LeadState.Accepted), (resellers.Partner, resellers.State));
        Assert.Null(resellers.ContactEmail);
        Assert.Null(resellers.Company);
        Assert.Equal("80", resellers.PostalCode);
        Assert.NotNull(resellers.EstimatedValue);
        Assert.Empty(await Distributors(h).ListNetworkLeadsAsync(Tenant, R2).ToListAsync());
    }

    [Fact]
    public async Task GetNetworkPipelineAsync_Distributor_SumsItsOwnAndItsResellersDealsOnlyAndRollsUpByRoot()
    {
        using var h = await NetworkAsync();
        async Task OpenAsync(string id, PartnerId partner, decimal amount) =>
            await h.Store.AddAsync(SalesOpportunity.Open(Tenant, new OpportunityId(id), new SalesOpportunityDraft(partner, new Money(amount, CurrencyCode.EUR), new LocalDate(2026, 6, 30)), PipelineDefinition.Default, "sales", h.Clock));
        await OpenAsync("o-d", D, 500m);
        await OpenAsync("o-r1", R1, 1_000m);
        await OpenAsync("o-r2", R2, 2_000m);
        await OpenAsync("o-x", X, 700m);

        var network = await Distributors(h).GetNetworkPipelineAsync(Tenant, D);
        using var all = (await PipelineSnapshot.FromStoreAsync(h.Store, AccessScope.Manufacturer(Tenant))).Group(PipelineDimension.Partner);
        var hierarchy = await Distributors(h).GetHierarchyAsync(Tenant);
        var roots = HierarchyRollup.Pipeline(all, hierarchy, roots: true);
        var lines = HierarchyRollup.Pipeline(all, hierarchy);

        using var networkTotals = network.Group(PipelineGrouping.Total);
        Assert.Equal((3L, new Money(3_500m, CurrencyCode.EUR)), (networkTotals.Count, networkTotals.CurrencyTotals.Single().Amount));
        Assert.Equal([("D", 3L, 3_500m), ("X", 1L, 700m)], roots.Select(t => (t.First!, t.Count, t.Amount.Amount)));
        Assert.Equal(new Money(350m, CurrencyCode.EUR), roots[0].WeightedAmount); // 10 % of 3,500, rounded once
        Assert.Equal(["D", "R1", "R2", "X"], lines.Select(t => t.First!));
        Assert.Equal(1_000m, lines.Single(t => t.First == "R1").Amount.Amount);
    }

    [Fact]
    public async Task Kpis_ResellerAcceptedARoutedOnLead_CountsForTheResellerAndRollsUpToTheDistributor()
    {
        using var h = await NetworkAsync();
        await AssignedToDistributorAsync(h, "L-8");
        await Distributors(h).RouteOnToAsync(Tenant, D, new LeadId("L-8"), R1);
        await h.PartnerLeads.AcceptAsync(Tenant, R1, new LeadId("L-8"));
        var events = (await h.Store.ListPendingAsync()).Where(m => m.Topic == Opportunity.Persistence.OutboxMessage.DomainEventTopic).Select(m => DomainEventSerializer.Deserialize(m.Type, m.Payload));

        var report = PartnerKpiReport.Compute(LeadOffers.FromEvents(events), [], new PartnerKpiOptions(CurrencyCode.EUR, Monday + Duration.FromDays(1)));
        var rolled = HierarchyRollup.Kpis(report, await Distributors(h).GetHierarchyAsync(Tenant), roots: true);

        Assert.Equal((1, 1), (report.Find(R1)!.LeadsReceived, report.Find(R1)!.Accepted));
        var d = Assert.Single(rolled);
        Assert.Equal((D, 2, 2, 2), (d.Partner, d.Partners, d.LeadsReceived, d.Accepted));
        Assert.Equal(1.0, d.AcceptanceRate);
    }

    [Fact]
    public async Task ProcessDueAsync_SilentReseller_EscalatesToItsDistributorBeforeTheChannelManager()
    {
        using var h = await NetworkAsync(o => o.Escalation = new EscalationPolicy(new EscalationLadder(
        [
            new EscalationStep(Duration.FromHours(1), EscalationAction.NotifyDistributor),
            new EscalationStep(Duration.FromHours(2), EscalationAction.NotifyChannelManager),
            new EscalationStep(Duration.FromHours(8), EscalationAction.Recall),
        ])));
        await AssignedToDistributorAsync(h, "L-9");
        await Distributors(h).RouteOnToAsync(Tenant, D, new LeadId("L-9"), R1);

        var first = await h.Processor.ProcessDueAsync(Monday + Duration.FromHours(1));
        var toDistributor = Assert.Single(await h.EventsAsync<LeadEscalatedToDistributor>());
        Assert.DoesNotContain(await h.EventsAsync<LeadEscalated>(), e => e.Partner == R1);
        await h.Processor.ProcessDueAsync(Monday + Duration.FromHours(2));

        Assert.Equal(1, first.Escalations);
        Assert.Equal((D, R1, 0), (toDistributor.Partner, toDistributor.Reseller, toDistributor.Step));
        Assert.Equal(1, Assert.Single(await h.EventsAsync<LeadEscalated>(), e => e.Partner == R1).Step);
        h.Clock.Advance(Duration.FromHours(2)); // the escalations are due for delivery from when they were raised
        var mail = new RecordingChannel("mail");
        using var dispatcher = NotificationTestKit.Dispatcher(h.Store, h.Store, h.Clock, channels: [mail]);
        await dispatcher.DispatchDueAsync();
        Assert.Contains("R1", Assert.Single(mail.Delivered, n => n.EventType == nameof(LeadEscalatedToDistributor)).Content!.Subject, StringComparison.Ordinal);
    }

    // Channel conflict (DuplicateHandling.OfferToWorkingPartner) in two tiers: the reseller that works the
    // customer's deal gets the duplicate directly, not through its distributor (which already chose it, or
    // the manufacturer did) — and the distributor keeps its oversight: it sees the lead and is escalated to first.
    [Fact]
    public async Task Qualify_DuplicateOfAResellersDeal_GoesToTheResellerAndTheDistributorSeesAndChasesIt()
    {
        using var h = await NetworkAsync(o => o.Escalation = new EscalationPolicy(new EscalationLadder(
        [
            new EscalationStep(Duration.FromHours(1), EscalationAction.NotifyDistributor),
            new EscalationStep(Duration.FromHours(8), EscalationAction.Recall),
        ])));
        var deal = SalesOpportunity.Open(
            Tenant,
            new OpportunityId("O-1"),
            new SalesOpportunityDraft(R1, new Money(40_000m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)) { CustomerKeys = DuplicateKeys.OfCustomer("Kunde GmbH", "einkauf@kunde.example", null) },
            PipelineDefinition.Default,
            "channel-manager",
            h.Clock);
        await h.Store.AddAsync(deal);

        await h.CaptureAndQualifyAsync("L-10", Details(company: "Kunde GmbH", email: "chef@kunde.example", phone: null) with { Location = new LeadLocation(new CountryCode("DE"), "80331", "München") });

        var lead = await h.LeadAsync("L-10");
        Assert.Equal((LeadState.Assigned, (PartnerId?)R1), (lead.State, lead.AssignedPartner)); // the manufacturer's rules alone would pick D
        Assert.Empty(await h.EventsAsync<LeadRoutedOn>());
        Assert.Contains(await Distributors(h).ListNetworkLeadsAsync(Tenant, D).ToListAsync(), v => v.Id == lead.Id && v.Partner == R1);
        await h.Processor.ProcessDueAsync(Monday + Duration.FromHours(1));
        Assert.Equal((D, R1), Assert.Single(await h.EventsAsync<LeadEscalatedToDistributor>()) is var e ? (e.Partner, e.Reseller) : default);
    }
}
