using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Opportunity.AspNetCore.Errors;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.AspNetCore.Tests.Errors;

/// <summary>
/// A minimal API on TestServer whose endpoints call the real workflows over a real SQLite file, with
/// the ProblemDetails mapping registered as an adopter would. Leads are broadcast to the two German
/// partners P-a and P-b; P-c (France) is never offered a German lead.
/// </summary>
internal sealed class ErrorsApp : IAsyncDisposable
{
    public static readonly TenantId Tenant = new("acme");

    private readonly WebApplication _app;
    private readonly string _folder;

    private ErrorsApp(WebApplication app, string folder)
    {
        _app = app;
        _folder = folder;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public static async Task<ErrorsApp> StartAsync(Action<OpportunityProblemDetailsOptions>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "opportunity-aspnetcore-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        // Tuesday 4 March 2025, 10:00 UTC: inside every partner's working hours.
        builder.Services.AddSingleton<IClock>(new FakeClock(Instant.FromUtc(2025, 3, 4, 10, 0)));
        builder.Services.AddOpportunityManagement(o => o.HostId = "web")
            .UseSqliteFile(Path.Combine(folder, "opportunity.db"))
            .AddLeadDistribution(o => o.RuleSet = RoutingRuleSet.Create("broadcast").InTerritory().ScoreByLoad().Broadcast(2).Build());
        builder.Services.AddOpportunityProblemDetails(configure);

        var app = builder.Build();
        app.UseExceptionHandler();
        Map(app);
        await app.StartAsync();

        var partners = app.Services.GetRequiredService<IPartnerDirectory>();
        await partners.UpsertAsync(Partner("P-a", "DE"));
        await partners.UpsertAsync(Partner("P-b", "DE"));
        await partners.UpsertAsync(Partner("P-c", "FR"));
        return new ErrorsApp(app, folder);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // The endpoints take ids as text, as a CRM's routes do, and leave every error to the handler.
    private static void Map(WebApplication app)
    {
        app.MapPost("/leads/{id}", async (string id, LeadIntakeService leads) =>
        {
            var details = new LeadDetails { Source = "web", Company = "Prospect GmbH", Location = new LeadLocation(new CountryCode("DE"), "80331", "München") };
            await leads.CaptureAsync(Tenant, new LeadId(id), details, "web-form");
            return Results.Created($"/leads/{id}", null);
        });
        app.MapPost("/leads/{id}/qualify", async (string id, LeadIntakeService leads) =>
        {
            await leads.QualifyAsync(Tenant, new LeadId(id), LeadQualification.Full, "inside-sales");
            return Results.NoContent();
        });
        app.MapPost("/partners/{partner}/leads/{id}/accept", async (string partner, string id, PartnerLeadService leads) =>
        {
            await leads.AcceptAsync(Tenant, new PartnerId(partner), new LeadId(id));
            return Results.NoContent();
        });
        app.MapPost("/partners/{partner}/leads/{id}/convert", async (string partner, string id, PartnerLeadService leads) =>
        {
            var opportunity = await leads.ConvertAsync(Tenant, new PartnerId(partner), new LeadId(id), new OpportunityId("O-" + id), new LocalDate(2025, 6, 30));
            return Results.Ok(opportunity.Id.Value);
        });
    }

    private static Partner Partner(string id, string country) =>
        new(Tenant, new PartnerId(id), "Partner " + id, PartnerTier.Silver) { Territories = [new Territory(new CountryCode(country), null)] };
}
