using NodaTime;
using Opportunity.Import;
using Opportunity.Leads;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Duplicates across leads and deals (issue 14, item 5): deals opened directly or imported are matched at capture.</summary>
public sealed class DealDuplicateWorkflowTests
{
    private static readonly Instant Tuesday10 = Instant.FromUtc(2025, 3, 4, 10, 0);

    private static DistributionHarness RoundRobin(Action<LeadDistributionOptions>? more = null) =>
        Create(Tuesday10, o =>
        {
            o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().WithinCapacity().PickRoundRobin().Build();
            more?.Invoke(o);
        });

    private static async Task OpenDealAsync(DistributionHarness h, string id, string partner, string company, string? email = null, string? phone = null)
    {
        var deal = SalesOpportunity.Open(
            Tenant,
            new OpportunityId(id),
            new SalesOpportunityDraft(new PartnerId(partner), new Money(40_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30))
            {
                CustomerKeys = DuplicateKeys.OfCustomer(company, email, phone),
            },
            PipelineDefinition.Default,
            "channel-manager",
            h.Clock);
        await h.Store.AddAsync(deal);
    }

    [Fact]
    public async Task CaptureAsync_CustomerOfADealOpenedDirectly_GoesToTheDealsPartner()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await OpenDealAsync(h, "O-1", "P-b", "ACME Heizung GmbH", "buyer@acme-heizung.de");

        var capture = await h.Intake.CaptureAsync(Tenant, new LeadId("L-1"), Details(company: "Acme Heizung", email: "ceo@ACME-Heizung.de", phone: null), "web");

        Assert.Equal(new LeadDuplicateLink(null, new OpportunityId("O-1"), new PartnerId("P-b"), "company, emailDomain"), capture.Duplicate);
        var decision = await h.Intake.QualifyAsync(Tenant, new LeadId("L-1"), LeadQualification.Full, "sales");
        Assert.Equal("P-b", decision!.Partner!.Value.Value); // round robin alone would pick P-a
        Assert.Contains("channel conflict: the lead duplicates opportunity O-1, worked by P-b; matched on company, emailDomain", decision.Format(), StringComparison.Ordinal);
        var detected = Assert.Single(await h.EventsAsync<LeadDuplicateDetected>());
        Assert.Equal((null, new OpportunityId("O-1")), (detected.ExistingLead, detected.ExistingOpportunity));
    }

    [Fact]
    public async Task CaptureAsync_DealClosedOrKeysOffPolicy_IsNoDuplicate()
    {
        using var h = RoundRobin(o => o.Duplicates = DuplicatePolicy.Default with { MatchOn = DuplicateMatchKeys.Company | DuplicateMatchKeys.EmailDomain });
        await h.AddPartnersAsync(Partner("P-a"));
        await OpenDealAsync(h, "O-won", "P-a", "Zeta AG");
        var won = (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-won")))!;
        won.CloseWon("signed", "P-a", h.Clock);
        await h.Store.UpdateAsync(won);
        await OpenDealAsync(h, "O-phone", "P-a", "Other", "x@gmail.com", "+49 89 1234567");

        var zeta = await h.Intake.CaptureAsync(Tenant, new LeadId("L-1"), Details(company: "Zeta", email: "a@zeta-new.de", phone: null), "web");
        var byPhoneOrFreeMail = await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(company: "Third", email: "y@gmail.com", phone: "089 1234567"), "web");

        Assert.Null(zeta.Duplicate);
        Assert.Null(byPhoneOrFreeMail.Duplicate);
    }

    [Fact]
    public async Task QualifyAsync_ManualReviewAndADealMatch_HoldsTheLeadNamingTheDeal()
    {
        using var h = RoundRobin(o => o.Duplicates = DuplicatePolicy.Default with { Handling = DuplicateHandling.ManualReview });
        await h.AddPartnersAsync(Partner("P-a"));
        await OpenDealAsync(h, "O-1", "P-a", "Acme", phone: "+49 89 7654321");
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-1"), Details(company: "Someone Else", phone: "0049-89-765 4321"), "web");

        var decision = await h.Intake.QualifyAsync(Tenant, new LeadId("L-1"), LeadQualification.Full, "sales");

        var lead = await h.LeadAsync("L-1");
        Assert.Null(decision);
        Assert.Equal(LeadState.Unroutable, lead.State);
        Assert.StartsWith("possible duplicate of opportunity O-1 (matched on phone)", lead.StateReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConvertAsync_TheDealTakesTheLeadsKeys_AndAnImportedDealIsMatchedByItsCustomerColumns()
    {
        using var h = RoundRobin();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1", Details(company: "ACME GmbH", email: "jane@acme.de"));
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));
        var converted = await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), new OpportunityId("O-1"), new LocalDate(2025, 6, 30));
        var csv = "id,partner,stage,amount,currency,customer_company,customer_email,customer_phone\n"
            + "O-2,P-a,Proposal,9000,EUR,Beta Kälte KG,,+49 (30) 555-0199\n";
        var imported = await OpportunityCsvImporter.ImportAsync(new StringReader(csv), h.Store, h.Store, new OpportunityCsvOptions(Tenant), h.Clock);

        var capture = await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(company: "Beta Kalte", email: "info@beta.example", phone: null), "web");

        Assert.Equal(new DuplicateKeys("acme", "acme.de", "891234567"), converted.CustomerKeys);
        Assert.True(imported.IsValid);
        Assert.Equal(new DuplicateKeys("beta kalte", null, "305550199"), (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-2")))!.CustomerKeys);
        Assert.Equal((new OpportunityId("O-2"), "company"), (capture.Duplicate!.ExistingOpportunity, capture.Duplicate.MatchedOn));
    }

    [Fact]
    public async Task ImportAsync_CustomerColumnsWithoutAKey_AreErrorsNamingColumnAndLine()
    {
        using var h = RoundRobin();
        var csv = "id,partner,stage,amount,currency,customer_email,customer_phone\n"
            + "O-1,P-a,Proposal,9000,EUR,no-at-sign@,12-34\n";

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(csv), h.Store, h.Store, new OpportunityCsvOptions(Tenant), h.Clock);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Location.Contains("customer_email", StringComparison.Ordinal) && e.Location.Contains("line 2", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Location.Contains("customer_phone", StringComparison.Ordinal));
    }
}
