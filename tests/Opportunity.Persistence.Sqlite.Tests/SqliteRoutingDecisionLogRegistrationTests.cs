using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Persistence.Sqlite.Tests;

public sealed class SqliteRoutingDecisionLogRegistrationTests : IDisposable
{
    private static readonly TenantId Tenant = new("acme");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 4, 10, 0));

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UseSqlite_BeforeOrAfterAddLeadDistribution_DecisionLogIsTheSqliteStores(bool sqliteFirst)
    {
        using var provider = Build(sqliteFirst);

        Assert.Same(provider.GetRequiredService<SqliteStore>().DecisionLog, provider.GetRequiredService<IRoutingDecisionLog>());
    }

    [Fact]
    public void UseSqlite_CalledTwiceAroundAddLeadDistribution_RegistersOneDecisionLog()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSqliteFile(_database.Path).AddLeadDistribution().UseSqliteFile(_database.Path).AddLeadDistribution();

        Assert.Single(services, d => d.ServiceType == typeof(IRoutingDecisionLog));
        using var provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<SqliteStore>().DecisionLog, provider.GetRequiredService<IRoutingDecisionLog>());
    }

    [Fact]
    public async Task ExplainAsync_AfterRestart_ReturnsTheTraceWrittenByTheEarlierRun()
    {
        RoutingDecision? routed;
        using (var first = Build(sqliteFirst: false))
        {
            await first.GetRequiredService<IPartnerDirectory>().UpsertAsync(new Partner(Tenant, new PartnerId("P-1"), "Partner P-1", PartnerTier.Gold)
            {
                Territories = [new Territory(new CountryCode("DE"), ["80"])],
            });
            var intake = first.GetRequiredService<LeadIntakeService>();
            await intake.CaptureAsync(Tenant, new LeadId("L-42"), new LeadDetails { Source = "web", Location = new LeadLocation(new CountryCode("DE"), "80331", "München") }, "sales");
            routed = await intake.QualifyAsync(Tenant, new LeadId("L-42"), LeadQualification.Full, "sales");
        }

        using var second = Build(sqliteFirst: true);
        var explained = await second.GetRequiredService<LeadRouter>().ExplainAsync(Tenant, new LeadId("L-42"));

        Assert.NotNull(routed);
        var record = Assert.Single(explained);
        Assert.Equal(routed.Outcome, record.Outcome);
        Assert.Equal(routed.Partners, record.Partners);
        Assert.Equal(RoutingDecisionRecord.From(routed).Explanation, record.Explanation); // the compact trace, printed from the stored summary
        Assert.Equal(routed.At, record.At);
    }

    private ServiceProvider Build(bool sqliteFirst)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(_clock);
        var builder = services.AddOpportunityManagement();
        if (sqliteFirst)
        {
            builder.UseSqliteFile(_database.Path).AddLeadDistribution();
        }
        else
        {
            builder.AddLeadDistribution().UseSqliteFile(_database.Path);
        }

        return services.BuildServiceProvider();
    }
}
