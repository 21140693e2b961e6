using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Opportunity;
using Opportunity.AspNetCore.PartnerPortal;
using Opportunity.Persistence;
using PartnerPortal.Demo;

namespace PartnerPortal.Tests;

/// <summary>The sample end to end over HTTP: MapPartnerPortal, the demo sign-in, the SQLite file, the workflows.</summary>
public sealed class PartnerPortalApiTests
{
    // Seeded open pipeline: 42,000 + 15,900 + 21,000 EUR, all in Qualification (10 %).
    private const string SeededWeighted = "7890.00";

    [Fact]
    public async Task ListLeads_BeforeAcceptance_HidesWhatThePrivacyPolicyHides()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");

        var leads = await client.GetFromJsonAsync<List<PortalLead>>("/api/portal/leads");

        var offered = Assert.Single(leads!, l => l.Id == "L-1001");
        Assert.Equal("Assigned", offered.State);
        Assert.False(offered.IsAccepted);
        Assert.Null(offered.Company);
        Assert.Null(offered.ContactName);
        Assert.Null(offered.ContactEmail);
        Assert.Null(offered.ContactPhone);
        Assert.Equal("10", offered.PostalCode); // the postal area only
        Assert.Equal(["Company", "ContactName", "ContactEmail", "ContactPhone", "PostalCode", "Coordinates"], offered.HiddenFields);
        Assert.Equal(new PortalMoney("18500.00", "EUR"), offered.EstimatedValue);
        Assert.NotNull(offered.AcceptanceDeadline);
        Assert.DoesNotContain(leads!, l => l.Id.StartsWith("L-2", StringComparison.Ordinal)); // Hamburg's leads are not Berlin's
    }

    [Fact]
    public async Task ListLeads_RawJson_MoneyIsADecimalStringAndNoContactFieldCarriesData()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");

        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/portal/leads/L-1001"));

        var root = json.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("estimatedValue").GetProperty("amount").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("contactEmail").ValueKind);
        Assert.DoesNotContain("krume", json.RootElement.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AcceptLead_OfferedLead_ReturnsItComplete()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");

        using var response = await client.PostAsync("/api/portal/leads/L-1001/accept", null);
        response.EnsureSuccessStatusCode();
        var accepted = await response.Content.ReadFromJsonAsync<PortalLead>();

        Assert.True(accepted!.IsAccepted);
        Assert.Equal("Accepted", accepted.State);
        Assert.Equal("Bäckerei Krume", accepted.Company);
        Assert.Equal("jana@bäckerei.example", accepted.ContactEmail);
        Assert.Equal("10115", accepted.PostalCode);
        Assert.Empty(accepted.HiddenFields);
        var again = await client.GetFromJsonAsync<PortalLead>("/api/portal/leads/L-1001");
        Assert.Equal("Bäckerei Krume", again!.Company);
    }

    [Fact]
    public async Task RejectLead_WithReason_RecordsItAndThePartnerNoLongerSeesTheLead()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");

        using var response = await client.PostAsJsonAsync("/api/portal/leads/L-1002/reject", new RejectLeadRequest("No solar installers free before spring"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var hidden = await client.GetAsync("/api/portal/leads/L-1002");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        var lead = await factory.Services.GetRequiredService<ILeadStore>().FindAsync(AccessScope.Manufacturer(DemoNetwork.Tenant), new LeadId("L-1002"));
        var rejection = Assert.Single(lead!.Rejections);
        Assert.Equal(new PartnerId("P-BER"), rejection.Partner);
        Assert.Equal("No solar installers free before spring", rejection.Reason);
    }

    [Fact]
    public async Task RejectLead_WithoutReason_Returns400NamingTheReason()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");

        using var response = await client.PostAsJsonAsync("/api/portal/leads/L-1002/reject", new RejectLeadRequest(" "));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("reason", out _));
        var leads = await client.GetFromJsonAsync<List<PortalLead>>("/api/portal/leads");
        Assert.Contains(leads!, l => l.Id == "L-1002"); // nothing was rejected
    }

    [Fact]
    public async Task UpdateOpportunity_StageAndAmount_SavedAndTheManufacturersWeightedPipelineMoves()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");
        Assert.Equal(SeededWeighted, await WeightedTotal(client));

        using var response = await client.PatchAsJsonAsync("/api/portal/opportunities/L-1003",
            new UpdateOpportunityRequest(Stage: "Proposal", Amount: new PortalMoney("45000.00", "EUR"), ExpectedClose: new DateOnly(2027, 2, 26), Version: 1));
        response.EnsureSuccessStatusCode();
        var deal = await response.Content.ReadFromJsonAsync<PortalOpportunity>();

        Assert.Equal("Proposal", deal!.Stage);
        Assert.Equal(0.5m, deal.Probability);
        Assert.Equal(new PortalMoney("45000.00", "EUR"), deal.Amount);
        Assert.Equal(new DateOnly(2027, 2, 26), deal.ExpectedClose);
        Assert.Equal(2, deal.Version);
        var stored = await client.GetFromJsonAsync<PortalOpportunity>("/api/portal/opportunities/L-1003");
        Assert.Equal(deal with { Stages = [], Activities = [] }, stored! with { Stages = [], Activities = [] }); // records compare lists by reference
        Assert.Equal(deal.Stages, stored.Stages);
        // 45,000 × 50 % + (15,900 + 21,000) × 10 %
        Assert.Equal("26190.00", await WeightedTotal(client));
    }

    [Fact]
    public async Task UpdateOpportunity_BadAmount_Returns400NamingTheFieldAndChangesNothing()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");

        using var response = await client.PatchAsJsonAsync("/api/portal/opportunities/L-1003",
            new UpdateOpportunityRequest(Stage: "Proposal", Amount: new PortalMoney("45,000", "EUR")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("amount.amount", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = await client.GetFromJsonAsync<PortalOpportunity>("/api/portal/opportunities/L-1003");
        Assert.Equal("Qualification", stored!.Stage);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task ConvertLead_AcceptedLead_OpensADealNamedAfterTheLeadOnce()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");
        (await client.PostAsync("/api/portal/leads/L-1001/accept", null)).EnsureSuccessStatusCode();

        using var first = await client.PostAsJsonAsync("/api/portal/leads/L-1001/convert", new ConvertLeadRequest(new DateOnly(2027, 3, 31)));
        using var retry = await client.PostAsJsonAsync("/api/portal/leads/L-1001/convert", new ConvertLeadRequest(new DateOnly(2027, 3, 31)));

        var deal = await first.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<PortalOpportunity>();
        Assert.Equal("L-1001", deal!.Id);
        Assert.Equal("L-1001", deal.SourceLead);
        Assert.Equal(new PortalMoney("18500.00", "EUR"), deal.Amount);
        Assert.Equal("Qualification", deal.Stage);
        Assert.Equal(deal.Id, (await retry.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<PortalOpportunity>())!.Id);
        var deals = await client.GetFromJsonAsync<List<PortalOpportunity>>("/api/portal/opportunities");
        Assert.Equal(["L-1001", "L-1003"], deals!.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ConvertLead_WithoutExpectedClose_Returns400NamingItAndOpensNothing()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");
        (await client.PostAsync("/api/portal/leads/L-1001/accept", null)).EnsureSuccessStatusCode();

        using var response = await client.PostAsync("/api/portal/leads/L-1001/convert", JsonContent.Create(new { }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expectedClose", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var missing = await client.GetAsync("/api/portal/opportunities/L-1001");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task AddNote_OwnDeal_RecordsActivity()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreatePartnerClient("P-BER");
        factory.Clock.AdvanceHours(3);

        using var response = await client.PostAsJsonAsync("/api/portal/opportunities/L-1003/notes", new AddNoteRequest("Site visit booked for Monday"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var deal = await factory.Services.GetRequiredService<IOpportunityStore>().FindAsync(AccessScope.Manufacturer(DemoNetwork.Tenant), new OpportunityId("L-1003"));
        Assert.Equal(factory.Clock.GetCurrentInstant(), deal!.LastActivityAt);
        Assert.Equal(2, deal.Version);
    }

    [Fact]
    public async Task Portal_WithoutAPartner_Returns401()
    {
        await using var factory = new PortalFactory();
        using var anonymous = factory.CreatePartnerClient(null);

        using var list = await anonymous.GetAsync("/api/portal/leads");
        using var accept = await anonymous.PostAsync("/api/portal/leads/L-1001/accept", null);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, accept.StatusCode);
        using var owner = factory.CreatePartnerClient("P-BER");
        Assert.False((await owner.GetFromJsonAsync<PortalLead>("/api/portal/leads/L-1001"))!.IsAccepted);
    }

    // The 403 is the library's access-denied error, mapped by AddOpportunityProblemDetails.
    [Fact]
    public async Task AcceptLead_OfferedToAnotherPartner_Returns403AndChangesNothing()
    {
        await using var factory = new PortalFactory();
        using var intruder = factory.CreatePartnerClient("P-HAM");

        using var response = await intruder.PostAsync("/api/portal/leads/L-1001/accept", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var owner = factory.CreatePartnerClient("P-BER");
        Assert.Equal("Assigned", (await owner.GetFromJsonAsync<PortalLead>("/api/portal/leads/L-1001"))!.State);
    }

    [Fact]
    public async Task ReadAndUpdate_AnotherPartnersLeadOrDeal_Returns404WithoutRevealingIt()
    {
        await using var factory = new PortalFactory();
        using var intruder = factory.CreatePartnerClient("P-HAM");

        using var lead = await intruder.GetAsync("/api/portal/leads/L-1001");
        using var deal = await intruder.GetAsync("/api/portal/opportunities/L-1003");
        using var update = await intruder.PatchAsJsonAsync("/api/portal/opportunities/L-1003", new UpdateOpportunityRequest(Stage: "Negotiation"));

        Assert.Equal(HttpStatusCode.NotFound, lead.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deal.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
        Assert.Equal(SeededWeighted, await WeightedTotal(intruder));
    }

    [Fact]
    public async Task OpenApi_DescribesThePortalOperations()
    {
        await using var factory = new PortalFactory();
        using var client = factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => op.Value.TryGetProperty("operationId", out var id) ? id.GetString() : null))
            .ToHashSet();
        Assert.Superset(
            new HashSet<string?>
            {
                "PartnerPortal.ListLeads", "PartnerPortal.GetLead", "PartnerPortal.AcceptLead", "PartnerPortal.RejectLead", "PartnerPortal.ConvertLead",
                "PartnerPortal.ListOpportunities", "PartnerPortal.GetOpportunity", "PartnerPortal.UpdateOpportunity", "PartnerPortal.AddNote",
            },
            operations);
        var accept = document.RootElement.GetProperty("paths").GetProperty("/api/portal/leads/{id}/accept").GetProperty("post");
        Assert.True(accept.GetProperty("responses").TryGetProperty("403", out _));
    }

    private static async Task<string> WeightedTotal(HttpClient client)
    {
        using var pipeline = JsonDocument.Parse(await client.GetStringAsync("/api/manufacturer/pipeline"));
        return pipeline.RootElement.GetProperty("total").GetProperty("weighted").GetString()!;
    }
}
