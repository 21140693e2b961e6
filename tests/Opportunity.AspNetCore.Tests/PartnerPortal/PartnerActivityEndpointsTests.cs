using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Opportunity.AspNetCore.PartnerPortal;
using Opportunity.AspNetCore.Tests.Errors;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Workflows;

namespace Opportunity.AspNetCore.Tests.PartnerPortal;

/// <summary>
/// The portal's activity and deal-update endpoints on a real Kestrel server on the loopback
/// interface, over the workflows and the in-memory store: P-1 works lead N-1 and deal O-1, P-2 works neither.
/// </summary>
public sealed class PartnerActivityEndpointsTests
{
    private static readonly TenantId North = new("north");
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 1, 9, 0);

    [Fact]
    public async Task RecordOpportunityActivity_CallTaskAndNextStep_StoredAndShownOnTheDeal()
    {
        await using var portal = await LoopbackPortal.StartAsync();
        using var p1 = portal.Client("P-1");

        using var call = await p1.PostAsJsonAsync("/partner-portal/opportunities/O-1/activities", new RecordActivityRequest("call", "Budget call", Now.ToDateTimeOffset().AddHours(-2), Outcome: "Budget approved"));
        var task = await (await p1.PostAsJsonAsync("/partner-portal/opportunities/O-1/activities", new RecordActivityRequest("task", "Send the offer", DueAt: Now.ToDateTimeOffset().AddDays(2)))).Content.ReadFromJsonAsync<PortalActivity>();
        using var completed = await p1.PostAsJsonAsync($"/partner-portal/opportunities/O-1/activities/{task!.Number}/complete", new CompleteTaskRequest("Offer sent"));
        using var patched = await p1.PatchAsJsonAsync("/partner-portal/opportunities/O-1", new UpdateOpportunityRequest(Stage: "Needs analysis") { NextStep = "Offer review", NextStepDue = Now.ToDateTimeOffset().AddDays(5) });
        var deal = await p1.GetFromJsonAsync<PortalOpportunity>("/partner-portal/opportunities/O-1");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.OK), (call.StatusCode, completed.StatusCode, patched.StatusCode));
        Assert.Equal(["call", "task", "nextStep"], deal!.Activities.Select(a => a.Kind));
        Assert.Equal(("Budget approved", "Offer sent", Now.ToDateTimeOffset()), (deal.Activities[0].Outcome, deal.Activities[1].Outcome, deal.Activities[1].CompletedAt!.Value));
        Assert.Equal(("Offer review", "Needs analysis"), (deal.NextStep!.Subject, deal.Stage));
        var stored = (await portal.Opportunities.FindAsync(AccessScope.Manufacturer(North), new OpportunityId("O-1")))!;
        Assert.Equal(3, stored.Activities.Count);
        Assert.Equal(Now, stored.LastActivityAt);
    }

    [Fact]
    public async Task RecordOpportunityActivity_AnotherPartnersDeal_Returns404AndStoresNothing()
    {
        await using var portal = await LoopbackPortal.StartAsync();
        using var p2 = portal.Client("P-2");

        using var activity = await p2.PostAsJsonAsync("/partner-portal/opportunities/O-1/activities", new RecordActivityRequest("note", "hello"));
        using var update = await p2.PatchAsJsonAsync("/partner-portal/opportunities/O-1", new UpdateOpportunityRequest { NextStep = "take over" });
        using var complete = await p2.PostAsJsonAsync("/partner-portal/opportunities/O-1/activities/1/complete", new CompleteTaskRequest("done"));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (activity.StatusCode, update.StatusCode, complete.StatusCode));
        Assert.Empty((await portal.Opportunities.FindAsync(AccessScope.Manufacturer(North), new OpportunityId("O-1")))!.Activities);
    }

    [Fact]
    public async Task RecordLeadActivity_NotTheAssignedPartner_Returns403PartnerNotAssigned()
    {
        await using var portal = await LoopbackPortal.StartAsync();
        using var p2 = portal.Client("P-2");

        var problem = await ProblemDetailsResponse.ReadAsync(await p2.PostAsJsonAsync("/partner-portal/leads/N-2/activities", new RecordActivityRequest("call", "hello")));

        Assert.Equal((HttpStatusCode.Forbidden, OpportunityErrorCodes.PartnerNotAssigned), (problem.Status, problem["code"]));
    }

    [Fact]
    public async Task RecordLeadActivity_UnknownKindOrTaskWithoutDueDate_ProblemNamesTheField()
    {
        await using var portal = await LoopbackPortal.StartAsync();
        using var p1 = portal.Client("P-1");

        var badKind = await ProblemDetailsResponse.ReadAsync(await p1.PostAsJsonAsync("/partner-portal/leads/N-2/activities", new RecordActivityRequest("4", "x")));
        var noDue = await ProblemDetailsResponse.ReadAsync(await p1.PostAsJsonAsync("/partner-portal/leads/N-2/activities", new RecordActivityRequest("Task", "call back")));
        using var ok = await p1.PostAsJsonAsync("/partner-portal/leads/N-2/activities", new RecordActivityRequest("meeting", "site visit"));

        Assert.Equal(HttpStatusCode.BadRequest, badKind.Status);
        Assert.True(badKind.Body.GetProperty("errors").TryGetProperty("kind", out _));
        Assert.Contains("dueAt", noDue.Body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal([SalesActivityKind.Meeting], (await portal.Leads.FindAsync(AccessScope.Manufacturer(North), new LeadId("N-2")))!.Activities.Select(a => a.Kind));
    }

    /// <summary>The portal on Kestrel at 127.0.0.1 (a free port), with the claims handler of these tests and the ProblemDetails mapping.</summary>
    private sealed class LoopbackPortal : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Uri _address;

        private LoopbackPortal(WebApplication app, Uri address)
        {
            _app = app;
            _address = address;
        }

        public ILeadStore Leads => _app.Services.GetRequiredService<ILeadStore>();

        public IOpportunityStore Opportunities => _app.Services.GetRequiredService<IOpportunityStore>();

        public static async Task<LoopbackPortal> StartAsync()
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IClock>(new FakeClock(Now));
            builder.Services.AddOpportunityManagement().AddLeadDistribution();
            builder.Services.AddOpportunityProblemDetails();
            builder.Services.AddAuthentication(ClaimsFromHeaderHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, ClaimsFromHeaderHandler>(ClaimsFromHeaderHandler.SchemeName, null);
            builder.Services.AddAuthorization();
            var app = builder.Build();
            app.UseExceptionHandler();
            app.MapPartnerPortal(options: new PartnerPortalOptions { Tenant = North.Value });

            var partners = app.Services.GetRequiredService<IPartnerDirectory>();
            var intake = app.Services.GetRequiredService<LeadIntakeService>();
            var partnerLeads = app.Services.GetRequiredService<PartnerLeadService>();
            var p1 = new PartnerId("P-1");
            await partners.UpsertAsync(new Partner(North, p1, "Installer", PartnerTier.Gold));
            await partners.UpsertAsync(new Partner(North, new PartnerId("P-2"), "Other", PartnerTier.Gold));
            foreach (var lead in new[] { "N-1", "N-2" })
            {
                await intake.CaptureAsync(North, new LeadId(lead), new LeadDetails { Source = "test", EstimatedValue = new Money(9_000m, CurrencyCode.EUR) }, "test");
                await intake.QualifyAsync(North, new LeadId(lead), LeadQualification.Full, "test", route: false);
                await intake.AssignManuallyAsync(North, new LeadId(lead), p1, "test");
                await partnerLeads.AcceptAsync(North, p1, new LeadId(lead));
            }

            await partnerLeads.ConvertAsync(North, p1, new LeadId("N-1"), new OpportunityId("O-1"), new LocalDate(2027, 3, 31));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new LoopbackPortal(app, new Uri(address));
        }

        public HttpClient Client(string partner)
        {
            var client = new HttpClient { BaseAddress = _address };
            client.DefaultRequestHeaders.Add("X-Claims", $"partner_id={partner}");
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
