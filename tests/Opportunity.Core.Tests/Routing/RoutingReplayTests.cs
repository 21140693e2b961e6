using NodaTime;
using Opportunity.Routing;
using Opportunity.Routing.Replay;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;

namespace Opportunity.Core.Tests.Routing;

public sealed class RoutingReplayTests
{
    private static IEnumerable<RoutingRequest> Leads(int count, string postal = "80331") =>
        Enumerable.Range(0, count).Select(i => Request(lead: $"L-{i}", postal: postal, seed: i, now: Now + Duration.FromHours(i)));

    [Fact]
    public void Run_ReportsDistributionUnroutableAndCapacityPressure()
    {
        var network = Network(Partner("P-a", prefixes: ["80"], capacity: 2), Partner("P-b", prefixes: ["80"], capacity: 3), Partner("P-berlin", prefixes: ["10"]));
        var rules = RoutingRuleSet.Create("draft").InTerritory().WithinCapacity().PickRoundRobin().Build();
        var requests = Leads(7).Concat([Request(lead: "L-hamburg", postal: "20095", now: Now + Duration.FromHours(8))]);

        var report = RoutingReplay.Run(rules, network, requests, new ReplayOptions { LeadsStayOpenFor = null });

        Assert.Equal(8, report.Leads);
        Assert.Equal(5, report.Assigned);
        Assert.Equal(3, report.Unroutable);
        Assert.Equal(2, report.UnroutableByRule["capacity"]);
        Assert.Equal(1, report.UnroutableByRule["territory"]);
        var a = report.Partners.Single(p => p.Partner.Value == "P-a");
        var b = report.Partners.Single(p => p.Partner.Value == "P-b");
        Assert.Equal((2, 2, 2), (a.Assigned, a.PeakOpenLeads, a.Capacity!.Value));
        Assert.Equal((3, 3), (b.Assigned, b.PeakOpenLeads));
        Assert.Equal(0.6, b.Share, 10);
        Assert.Equal(4, report.DecisionsLimitedByCapacity); // leads 3 to 6 found a partner full
        Assert.Equal(8, report.Decisions.Count);
        Assert.Contains("Replay of rule set 'draft': 8 leads, 5 assigned, 0 broadcast, 3 unroutable", report.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_LeadsReleaseCapacityAfterTheirOpenPeriod()
    {
        var network = Network(Partner("P-a", capacity: 1));
        var rules = RoutingRuleSet.Create("draft").InTerritory().WithinCapacity().Build();

        var report = RoutingReplay.Run(rules, network, Leads(4), new ReplayOptions { LeadsStayOpenFor = Duration.FromHours(2) });

        Assert.Equal(2, report.Assigned); // hours 0 and 2; hours 1 and 3 find the partner busy
        Assert.Equal(2, report.Unroutable);
    }

    [Fact]
    public void Run_HasNoSideEffectsOnTheInitialLoad()
    {
        var network = Network(Partner("P-a"));
        var initial = new PartnerLoadTable();
        initial.Set(new PartnerId("P-a"), 1, null);

        RoutingReplay.Run(RoutingRuleSet.Create("d").InTerritory().Build(), network, Leads(5), new ReplayOptions { InitialLoad = initial });

        Assert.Equal(1, initial.OpenLeads(new PartnerId("P-a")));
        Assert.Null(initial.LastAssignedAt(new PartnerId("P-a")));
    }
}
