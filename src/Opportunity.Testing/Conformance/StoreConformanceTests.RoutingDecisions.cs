using NodaTime;
using Opportunity.Routing;
using Opportunity.Workflows;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;
using Opportunity.Persistence;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    private static readonly PartnerId[] NoPartners = [];

    /// <summary>How many hosts append to one lead's decision log at once. Default 4.</summary>
    protected virtual int ConcurrentDecisionWriters => 4;

    /// <summary>Decisions come back oldest (first appended) first with every field exact: nanosecond instant, null and non-null optionals, extreme seeds, the partner list in its order, and a multi-line explanation byte for byte.</summary>
    [ConformanceFact]
    public async Task RoutingDecisions_AppendThenRead_InAppendOrderWithEveryFieldExact()
    {
        if (Store.DecisionLog is null)
        {
            return;
        }

        var lead = new LeadId("L-42");
        var decisions = Decisions(lead);

        await AppendAllAsync(Store.DecisionLog, TenantA, decisions);

        AssertSameDecisions(decisions, await Store.DecisionLog.ForLeadAsync(TenantA, lead));
    }

    /// <summary>The same lead id in two tenants, and two leads in one tenant, keep separate logs; an unknown lead has none.</summary>
    [ConformanceFact]
    public async Task RoutingDecisions_SameLeadIdInTwoTenants_EachTenantReadsOnlyItsOwn()
    {
        if (Store.DecisionLog is null)
        {
            return;
        }

        var lead = new LeadId("L-1");
        var other = new LeadId("L-2");
        var a = Decisions(lead);
        var b = Decisions(lead).Select(d => d with { RuleSet = "tenant-b rules", Seed = d.Seed + 1 }).ToList();
        var a2 = Decisions(other).Take(1).ToList();
        for (var i = 0; i < a.Count; i++)
        {
            await Store.DecisionLog.AppendAsync(TenantB, b[i]);
            await Store.DecisionLog.AppendAsync(TenantA, a[i]);
        }

        await Store.DecisionLog.AppendAsync(TenantA, a2[0]);

        AssertSameDecisions(a, await Store.DecisionLog.ForLeadAsync(TenantA, lead));
        AssertSameDecisions(b, await Store.DecisionLog.ForLeadAsync(TenantB, lead));
        AssertSameDecisions(a2, await Store.DecisionLog.ForLeadAsync(TenantA, other));
        Assert.Empty(await Store.DecisionLog.ForLeadAsync(TenantB, other));
        Assert.Empty(await Store.DecisionLog.ForLeadAsync(TenantA, new LeadId("L-unknown")));
    }

    /// <summary>Another instance over the same database (a later process, another host) reads what this one appended.</summary>
    [ConformanceFact]
    public async Task RoutingDecisions_AnotherInstance_ReadsWhatWasAppended()
    {
        if (Store.DecisionLog is null)
        {
            return;
        }

        var lead = new LeadId("L-7");
        var decisions = Decisions(lead);
        await AppendAllAsync(Store.DecisionLog, TenantA, decisions);

        var hosts = await OpenHostsAsync(2);
        try
        {
            AssertSameDecisions(decisions, await hosts[1].DecisionLog!.ForLeadAsync(TenantA, lead));
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }
    }

    /// <summary>Hosts appending to one lead at once lose nothing, and each host's decisions keep their order.</summary>
    [ConformanceFact]
    public async Task RoutingDecisions_ConcurrentAppendsToOneLead_KeepEveryDecisionInEachHostsOrder()
    {
        if (Store.DecisionLog is null)
        {
            return;
        }

        const int PerHost = 20;
        var lead = new LeadId("L-busy");
        var hosts = await OpenHostsAsync(ConcurrentDecisionWriters);
        try
        {
            await Task.WhenAll(hosts.Select((host, h) => Task.Run(async () =>
            {
                for (var i = 0; i < PerHost; i++)
                {
                    var record = new RoutingDecisionRecord(lead, Start + Duration.FromSeconds(i), "rules", null, RoutingOutcome.Assigned, [new PartnerId($"p-{h}")], (h * 1000) + i, null, $"host {h} decision {i}");
                    await host.DecisionLog!.AppendAsync(TenantA, record);
                }
            })));
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }

        var stored = await Store.DecisionLog.ForLeadAsync(TenantA, lead);

        Assert.Equal(ConcurrentDecisionWriters * PerHost, stored.Count);
        for (var h = 0; h < ConcurrentDecisionWriters; h++)
        {
            Assert.Equal(Enumerable.Range(0, PerHost).Select(i => (long)((h * 1000) + i)), stored.Where(d => d.Partners[0] == new PartnerId($"p-{h}")).Select(d => d.Seed));
        }
    }

    /// <summary>Three decisions of one lead covering every field: assigned, broadcast, unroutable; the last one's instant is earlier than the second's (order is append order, not time).</summary>
    private static List<RoutingDecisionRecord> Decisions(LeadId lead)
    {
        var explanation = $"""
            Routing of lead {lead} with rule set 'dach' (version 7) at 2025-03-03T09:00:00Z, seed 1234
              1. source   territory: 5 → 4 — 4 of 5 partners cover DE 80331 (München)
              4. filter   productLine: 4 → 3
                   P-solar (Partner "P-solar"): removed: does not sell 'heat-pumps'	tab
            Result: assigned to partner-1
            """;
        return
        [
            new(lead, Start + Duration.FromNanoseconds(123_456_789), "dach", "7", RoutingOutcome.Assigned, [P1], 1234, null, explanation + "\n"),
            new(lead, Start + Duration.FromHours(26) + Duration.FromNanoseconds(1), "dach", "8", RoutingOutcome.Broadcast, [P2, P1, new PartnerId("partner-0-ü/✓\"")], long.MinValue, null, "Broadcast\r\nto three\n\n  partners 🚀"),
            new(lead, Start + Duration.FromHours(25), "fallback", null, RoutingOutcome.Unroutable, [], long.MaxValue, "no partner covers DE 99999\nafter widening to 200 km", string.Empty),
        ];
    }

    private static async Task AppendAllAsync(IRoutingDecisionLog log, TenantId tenant, IEnumerable<RoutingDecisionRecord> decisions)
    {
        foreach (var decision in decisions)
        {
            await log.AppendAsync(tenant, decision);
        }
    }

    private static void AssertSameDecisions(List<RoutingDecisionRecord> expected, IReadOnlyList<RoutingDecisionRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Partners, actual[i].Partners);
            Assert.Equal(expected[i] with { Partners = NoPartners }, actual[i] with { Partners = NoPartners });
        }
    }
}
