using Opportunity;
using Opportunity.AspNetCore.PartnerPortal;
using PartnerPortal.Demo;
using PartnerPortal.Manufacturer;

var builder = WebApplication.CreateBuilder(args);

// The database file lives under the content root (not the working directory), so every way of
// starting the app finds the same file. PartnerPortal:Database overrides the name or path.
var database = Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["PartnerPortal:Database"] ?? "partner-portal.db");
builder.Services.AddOpportunityManagement(o => o.HostId = "partner-portal-sample")
    .UseSqliteFile(database)
    .AddLeadDistribution();

// DEMO ONLY: partners "sign in" by naming their id in a header. A real portal uses its identity
// provider (cookies, OpenID Connect, JWT) and issues the partner_id claim from there.
builder.Services.AddAuthentication(DemoPartnerAuthenticationHandler.SchemeName)
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, DemoPartnerAuthenticationHandler>(DemoPartnerAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization();
builder.Services.AddOpportunityProblemDetails(); // the library's errors as ProblemDetails (403, 404, 409, 422)
builder.Services.AddOpenApi();

var app = builder.Build();
await DemoNetwork.SeedAsync(app.Services);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapOpenApi();
app.MapPartnerPortal("/api/portal", new PartnerPortalOptions { Tenant = DemoNetwork.Tenant.Value });
app.MapManufacturerPipeline("/api/manufacturer/pipeline");
app.MapGet("/api/demo/partners", DemoNetwork.ListPartners).WithSummary("DEMO ONLY: the partners one may sign in as.");

await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
