using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Core.Tests.Workflows;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Workflows;

namespace Opportunity.Core.Tests.Configuration;

/// <summary>Routing rules from a JSON file under the content root, reloaded without a restart.</summary>
public sealed class RoutingRulesFileTests : IDisposable
{
    // Two eligible partners; the tier weights decide who wins, so a rule change flips the decision.
    private const string GoldFirst = """{ "name": "gold-first", "scorers": [ { "kind": "tier", "weight": 1, "weights": { "Gold": 2, "Silver": 1 } } ] }""";
    private const string SilverFirst = """{ "name": "silver-first", "scorers": [ { "kind": "tier", "weight": 1, "weights": { "Gold": 1, "Silver": 2 } } ] }""";

    private readonly string _contentRoot = Directory.CreateTempSubdirectory("opportunity-rules-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Fact]
    public async Task RoutingRulesFile_ConfigurationReloaded_NextDecisionUsesTheNewRules()
    {
        WriteRules(GoldFirst);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Opportunity:LeadDistribution:RoutingRulesFile"] = "config/routing.json" })
            .Build();
        using var host = await StartAsync(builder => builder.Services.AddOpportunityManagement().AddLeadDistribution(configuration.GetSection("Opportunity:LeadDistribution")));

        Assert.Equal("P-gold", await RouteAsync(host, "L-1"));
        WriteRules(SilverFirst);
        configuration.Reload();

        Assert.Equal("P-silver", await RouteAsync(host, "L-2"));
    }

    [Fact]
    public async Task RoutingRulesFile_FileChangedUnderContentRoot_NextDecisionUsesTheNewRules()
    {
        WriteRules(GoldFirst);
        SignalledFileProvider? files = null;
        using var host = await StartAsync(builder =>
        {
            files = new SignalledFileProvider(builder.Environment.ContentRootFileProvider);
            builder.Environment.ContentRootFileProvider = files;
            builder.Services.AddOpportunityManagement().AddLeadDistribution(o => o.RoutingRulesFile = "config/routing.json");
        });

        Assert.Equal("P-gold", await RouteAsync(host, "L-1"));
        Assert.Contains(Path.Combine("config", "routing.json"), files!.Watched);
        WriteRules(SilverFirst);
        files.Change(Path.Combine("config", "routing.json"));

        Assert.Equal("P-silver", await RouteAsync(host, "L-2"));
        Assert.Equal("silver-first", host.Services.GetRequiredService<IOptionsMonitor<LeadDistributionOptions>>().CurrentValue.RuleSet.Name);
    }

    [Fact]
    public async Task RoutingRulesFile_BrokenEditAfterStart_KeepsTheLastGoodRules()
    {
        WriteRules(GoldFirst);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LeadDistribution:RoutingRulesFile"] = "config/routing.json" })
            .Build();
        using var host = await StartAsync(builder => builder.Services.AddOpportunityManagement().AddLeadDistribution(configuration.GetSection("LeadDistribution")));

        WriteRules("""{ "name": "broken", "scorers": [ { "kind": "no-such-scorer", "weight": 1 } ] }""");
        configuration.Reload();

        Assert.Equal("P-gold", await RouteAsync(host, "L-1"));
    }

    [Fact]
    public async Task RoutingRulesFile_BrokenAtStart_FailsTheStartNamingTheFileAndTheRule()
    {
        WriteRules("""{ "name": "broken", "scorers": [ { "kind": "no-such-scorer", "weight": 1 } ] }""");
        var builder = Builder();
        builder.Services.AddOpportunityManagement().AddLeadDistribution(o => o.RoutingRulesFile = "config/routing.json");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(ex.Failures);
        Assert.Contains(nameof(LeadDistributionOptions.RoutingRulesFile), failure, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_contentRoot, "config", "routing.json"), failure, StringComparison.Ordinal);
        Assert.Contains("$.scorers[0]", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutingRulesFile_Missing_FailsTheStartNamingTheResolvedPath()
    {
        var builder = Builder();
        builder.Services.AddOpportunityManagement().AddLeadDistribution(o => o.RoutingRulesFile = "routing.json");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(Path.Combine(_contentRoot, "routing.json"), ex.Message, StringComparison.Ordinal);
    }

    private static async Task<string> RouteAsync(IHost host, string leadId)
    {
        var intake = host.Services.GetRequiredService<LeadIntakeService>();
        var tenant = DistributionHarness.Tenant;
        await intake.CaptureAsync(tenant, new LeadId(leadId), DistributionHarness.Details(company: $"Company {leadId}", email: $"x@{leadId.ToLowerInvariant()}.example", phone: null), "sales");
        await intake.QualifyAsync(tenant, new LeadId(leadId), LeadQualification.Full, "sales");
        var lead = await host.Services.GetRequiredService<ILeadStore>().FindAsync(AccessScope.Manufacturer(tenant), new LeadId(leadId));
        return lead!.AssignedPartner!.Value.Value;
    }

    private async Task<IHost> StartAsync(Action<HostApplicationBuilder> configure)
    {
        var builder = Builder();
        configure(builder);
        var host = builder.Build();
        await host.StartAsync();
        var partners = host.Services.GetRequiredService<IPartnerDirectory>();
        await partners.UpsertAsync(DistributionHarness.Partner("P-gold", tier: PartnerTier.Gold));
        await partners.UpsertAsync(DistributionHarness.Partner("P-silver", tier: PartnerTier.Silver));
        return host;
    }

    private HostApplicationBuilder Builder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _contentRoot, DisableDefaults = true });
        builder.Services.AddSingleton<IClock>(new FakeClock(Instant.FromUtc(2026, 3, 2, 10, 0)));
        return builder;
    }

    private void WriteRules(string json)
    {
        Directory.CreateDirectory(Path.Combine(_contentRoot, "config"));
        File.WriteAllText(Path.Combine(_contentRoot, "config", "routing.json"), json);
    }
}
