using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Opportunity.AspNetCore.PartnerPortal;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Workflows;

namespace Opportunity.AspNetCore.Tests.PartnerPortal;

/// <summary>How MapPartnerPortal tells callers apart: claim types, tenant from a claim or fixed, 401 vs 403.</summary>
public sealed class MapPartnerPortalTests
{
    private static readonly TenantId North = new("north");
    private static readonly TenantId South = new("south");
    private static readonly PartnerId Partner = new("P-1");

    [Fact]
    public async Task MapPartnerPortal_AuthenticatedWithoutPartnerClaim_Returns403()
    {
        await using var app = await StartAsync(new PartnerPortalOptions());
        using var client = Client(app, "tenant_id=north");

        using var response = await client.GetAsync("/partner-portal/leads");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task MapPartnerPortal_NotAuthenticated_Returns401()
    {
        await using var app = await StartAsync(new PartnerPortalOptions());
        using var client = Client(app, claims: null);

        using var response = await client.GetAsync("/partner-portal/leads");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task MapPartnerPortal_TenantFromClaim_ShowsOnlyThatTenantsLeads()
    {
        await using var app = await StartAsync(new PartnerPortalOptions());
        using var north = Client(app, "partner_id=P-1;tenant_id=north");
        using var south = Client(app, "partner_id=P-1;tenant_id=south");
        using var noTenant = Client(app, "partner_id=P-1");

        var northLeads = await north.GetFromJsonAsync<List<PortalLead>>("/partner-portal/leads");
        var southLeads = await south.GetFromJsonAsync<List<PortalLead>>("/partner-portal/leads");
        using var refused = await noTenant.GetAsync("/partner-portal/leads");

        Assert.Equal(["N-1"], northLeads!.Select(l => l.Id));
        Assert.Equal(["S-1"], southLeads!.Select(l => l.Id));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task MapPartnerPortal_FixedTenantAndCustomClaimType_IgnoresTheTenantClaim()
    {
        await using var app = await StartAsync(new PartnerPortalOptions { PartnerClaimType = "reseller", Tenant = "south" });
        using var client = Client(app, "reseller=P-1;tenant_id=north");

        var leads = await client.GetFromJsonAsync<List<PortalLead>>("/partner-portal/leads");

        Assert.Equal(["S-1"], leads!.Select(l => l.Id));
    }

    [Theory]
    [InlineData("", "tenant_id", null, "PartnerClaimType")]
    [InlineData("partner_id", " ", null, "TenantClaimType")]
    [InlineData("partner_id", "tenant_id", "two words", "Tenant")]
    public async Task MapPartnerPortal_InvalidOptions_ThrowsNamingTheOption(string partnerClaim, string tenantClaim, string? tenant, string named)
    {
        await using var app = WebApplication.CreateBuilder().Build();

        var error = Assert.ThrowsAny<ArgumentException>(() => app.MapPartnerPortal(options: new PartnerPortalOptions { PartnerClaimType = partnerClaim, TenantClaimType = tenantClaim, Tenant = tenant }));

        Assert.Equal(named, error.ParamName);
    }

    private static HttpClient Client(WebApplication app, string? claims)
    {
        var client = app.GetTestClient();
        if (claims is not null)
        {
            client.DefaultRequestHeaders.Add("X-Claims", claims);
        }

        return client;
    }

    /// <summary>An app with the portal, the in-memory store, and partner P-1 in two tenants, each with one lead assigned to it.</summary>
    private static async Task<WebApplication> StartAsync(PartnerPortalOptions options)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IClock>(new FakeClock(Instant.FromUtc(2026, 12, 1, 9, 0)));
        builder.Services.AddOpportunityManagement().AddLeadDistribution();
        builder.Services.AddAuthentication(ClaimsFromHeaderHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ClaimsFromHeaderHandler>(ClaimsFromHeaderHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.MapPartnerPortal(options: options);

        var partners = app.Services.GetRequiredService<IPartnerDirectory>();
        var intake = app.Services.GetRequiredService<LeadIntakeService>();
        foreach (var (tenant, lead) in new[] { (North, "N-1"), (South, "S-1") })
        {
            await partners.UpsertAsync(new Partner(tenant, Partner, "Installer", PartnerTier.Gold));
            await intake.CaptureAsync(tenant, new LeadId(lead), new LeadDetails { Source = "test" }, "test");
            await intake.QualifyAsync(tenant, new LeadId(lead), LeadQualification.Full, "test", route: false);
            await intake.AssignManuallyAsync(tenant, new LeadId(lead), Partner, "test");
        }

        await app.StartAsync();
        return app;
    }
}
