using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// Lead → opportunity conversion (<see cref="ILeadConversionStore"/>): one atomic unit, at most
/// one opportunity per lead whatever ids the callers pass, across hosts and after crashes.
/// </summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>A conversion writes the opportunity, the converted lead and both aggregates' events together.</summary>
    [ConformanceFact]
    public async Task Conversion_Convert_WritesOpportunityLeadAndEventsTogether()
    {
        if (Store.Conversions is not { } conversions)
        {
            return;
        }

        var lead = await StoreAcceptedLeadAsync(TenantA, "lead-1");
        var before = (await Store.Outbox.ListPendingAsync()).Count;
        var opportunity = ConvertInMemory(lead, "opp-1");

        var stored = await conversions.ConvertAsync(lead, opportunity);

        Assert.Same(opportunity, stored);
        Assert.Equal(1, opportunity.Version);
        Assert.Equal(3, lead.Version);
        var scope = AccessScope.Manufacturer(TenantA);
        Assert.Equal(LeadState.Converted, (await Store.Leads.FindAsync(scope, lead.Id))!.State);
        Assert.Equal(Doc(opportunity), Doc((await Store.Opportunities.FindAsync(scope, opportunity.Id))!));
        Assert.Equal(opportunity.Id, (await conversions.FindConvertedFromAsync(TenantA, lead.Id))!.Id);
        Assert.Null(await conversions.FindConvertedFromAsync(TenantB, lead.Id));
        var written = (await Store.Outbox.ListPendingAsync()).Skip(before).Select(m => m.Type).Order(StringComparer.Ordinal);
        Assert.Equal(["LeadConverted", "OpportunityOpened"], written);
    }

    /// <summary>
    /// A conversion aborted between its two writes (or before the commit) leaves neither: no
    /// opportunity, the lead still Accepted, nothing published; a retry with a new id then yields
    /// exactly one opportunity.
    /// </summary>
    [ConformanceFact]
    public async Task Conversion_AbortedBetweenTheWrites_LeavesNeitherAndRetryYieldsOne()
    {
        if (Store.Conversions is not { } conversions)
        {
            return;
        }

        var scope = AccessScope.Manufacturer(TenantA);
        await StoreAcceptedLeadAsync(TenantA, "lead-1");
        var pending = (await Store.Outbox.ListPendingAsync()).Count;
        var attempt = 0;
        foreach (var point in Store.FaultPoints)
        {
            var lead = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;
            var opportunity = ConvertInMemory(lead, $"opp-{++attempt}");
            Store.ArmFault!(point);
            var fault = await Assert.ThrowsAsync<InjectedFaultException>(() => conversions.ConvertAsync(lead, opportunity));
            Store.ArmFault(null);

            Assert.Equal(point, fault.Point);
            Assert.Equal(LeadState.Accepted, (await Store.Leads.FindAsync(scope, lead.Id))!.State);
            Assert.Null(await Store.Opportunities.FindAsync(scope, opportunity.Id));
            Assert.Null(await conversions.FindConvertedFromAsync(TenantA, lead.Id));
            Assert.Equal(pending, (await Store.Outbox.ListPendingAsync()).Count);
        }

        var retry = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;
        var stored = await conversions.ConvertAsync(retry, ConvertInMemory(retry, "opp-retry"));

        Assert.Equal("opp-retry", stored.Id.Value);
        Assert.Equal(["opp-retry"], await OpportunityIdsAsync(TenantA));
    }

    /// <summary>A second conversion of the same lead with a new opportunity id writes nothing and returns the first opportunity.</summary>
    [ConformanceFact]
    public async Task Conversion_SecondCallWithNewId_ReturnsTheFirstOpportunity()
    {
        if (Store.Conversions is not { } conversions)
        {
            return;
        }

        var scope = AccessScope.Manufacturer(TenantA);
        var first = await StoreAcceptedLeadAsync(TenantA, "lead-1");
        var stale = (await Store.Leads.FindAsync(scope, first.Id))!;
        await conversions.ConvertAsync(first, ConvertInMemory(first, "opp-1"));
        var pending = (await Store.Outbox.ListPendingAsync()).Count;

        var second = ConvertInMemory(stale, "opp-2");
        var stored = await conversions.ConvertAsync(stale, second);

        Assert.Equal("opp-1", stored.Id.Value);
        Assert.Equal(0, second.Version);
        Assert.Equal(2, stale.Version);
        Assert.Equal(["opp-1"], await OpportunityIdsAsync(TenantA));
        Assert.Equal(pending, (await Store.Outbox.ListPendingAsync()).Count);
        Assert.Equal("opp-1", (await Store.Leads.FindAsync(scope, first.Id))!.ConvertedTo!.Value.Value);
    }

    /// <summary>
    /// Two hosts (two store instances over one database) convert the same lead at once with
    /// different ids: one opportunity results, and both get it. Repeated over several leads.
    /// </summary>
    [ConformanceFact]
    public async Task Conversion_TwoHostsWithDifferentIds_YieldOneOpportunityForBoth()
    {
        if (Store.Conversions is null)
        {
            return;
        }

        var hosts = await OpenHostsAsync(2);
        try
        {
            const int Leads = 8;
            for (var i = 0; i < Leads; i++)
            {
                var id = new LeadId($"lead-{i}");
                await StoreAcceptedLeadAsync(TenantA, id.Value);
                var copies = await Task.WhenAll(hosts.Select(async h => (await h.Leads.FindAsync(AccessScope.Manufacturer(TenantA), id))!));
                var results = await Task.WhenAll(hosts.Select((h, n) => Task.Run(() => h.Conversions!.ConvertAsync(copies[n], ConvertInMemory(copies[n], $"opp-{i}-host-{n}")))));

                Assert.Equal(results[0].Id, results[1].Id);
                var stored = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), id))!;
                Assert.Equal(results[0].Id, stored.ConvertedTo);
            }

            var opportunities = await OpportunityIdsAsync(TenantA);
            Assert.Equal(Leads, opportunities.Count);
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }
    }

    /// <summary>Adding an opportunity for a lead that was already converted is refused with a typed error naming the existing opportunity.</summary>
    [ConformanceFact]
    public async Task Conversion_AddSecondOpportunityForConvertedLead_IsRefusedNamingTheFirst()
    {
        if (Store.Conversions is not { } conversions)
        {
            return;
        }

        var lead = await StoreAcceptedLeadAsync(TenantA, "lead-1");
        await conversions.ConvertAsync(lead, ConvertInMemory(lead, "opp-1"));
        var twin = OpportunityFrom(TenantA, lead.Id, "opp-2");

        var refused = await Assert.ThrowsAsync<ConflictException>(() => Store.Opportunities.AddAsync(twin));

        Assert.Equal(OpportunityErrorCodes.LeadAlreadyConverted, refused.ErrorCode);
        Assert.Contains("'opp-1'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["opp-1"], await OpportunityIdsAsync(TenantA));
    }

    /// <summary>
    /// A conversion refused by the store — the opportunity id is taken, or the lead changed since it
    /// was read — throws <see cref="ConcurrencyException"/> and writes neither row nor any event.
    /// </summary>
    [ConformanceFact]
    public async Task Conversion_OpportunityIdTakenOrLeadStale_ThrowsConcurrencyAndWritesNothing()
    {
        if (Store.Conversions is not { } conversions)
        {
            return;
        }

        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "opp-taken", P1, Clock));
        var lead = await StoreAcceptedLeadAsync(TenantA, "lead-1");
        var stale = (await Store.Leads.FindAsync(scope, lead.Id))!;
        var pending = (await Store.Outbox.ListPendingAsync()).Count;

        var taken = await Assert.ThrowsAsync<ConcurrencyException>(() => conversions.ConvertAsync(lead, ConvertInMemory(lead, "opp-taken")));
        var fresh = (await Store.Leads.FindAsync(scope, lead.Id))!;
        fresh.RecordActivity("called the customer", P1.Value, Clock);
        await Store.Leads.UpdateAsync(fresh);
        var changed = await Assert.ThrowsAsync<ConcurrencyException>(() => conversions.ConvertAsync(stale, ConvertInMemory(stale, "opp-new")));

        Assert.Equal("opp-taken", taken.AggregateId);
        Assert.Equal("lead-1", changed.AggregateId);
        Assert.Equal(["opp-taken"], await OpportunityIdsAsync(TenantA));
        Assert.Null(await conversions.FindConvertedFromAsync(TenantA, lead.Id));
        Assert.Equal(LeadState.Accepted, (await Store.Leads.FindAsync(scope, lead.Id))!.State);
        Assert.Equal(pending + 1, (await Store.Outbox.ListPendingAsync()).Count); // only the activity's event
    }

    /// <summary>Lead ids are unique per tenant: the same lead id converts once in each tenant.</summary>
    [ConformanceFact]
    public async Task Conversion_SameLeadIdInTwoTenants_ConvertsInEach()
    {
        if (Store.Conversions is not { } conversions)
        {
            return;
        }

        foreach (var tenant in new[] { TenantA, TenantB })
        {
            var lead = await StoreAcceptedLeadAsync(tenant, "lead-1");
            Assert.Equal("opp-1", (await conversions.ConvertAsync(lead, ConvertInMemory(lead, "opp-1"))).Id.Value);
        }

        Assert.Equal(["opp-1"], await OpportunityIdsAsync(TenantA));
        Assert.Equal(["opp-1"], await OpportunityIdsAsync(TenantB));
    }

    private async Task<Lead> StoreAcceptedLeadAsync(TenantId tenant, string id)
    {
        var lead = AssignedLead(tenant, id, P1, Clock);
        await Store.Leads.AddAsync(lead);
        lead.Accept(P1, Clock);
        await Store.Leads.UpdateAsync(lead);
        return lead;
    }

    // What the workflow does before calling the store: open the opportunity and convert the lead, in memory.
    private SalesOpportunity ConvertInMemory(Lead lead, string opportunityId)
    {
        var opportunity = OpportunityFrom(lead.Tenant, lead.Id, opportunityId);
        lead.Convert(opportunity.Id, P1.Value, Clock);
        return opportunity;
    }

    private SalesOpportunity OpportunityFrom(TenantId tenant, LeadId lead, string opportunityId) =>
        SalesOpportunity.Open(
            tenant,
            new OpportunityId(opportunityId),
            new SalesOpportunityDraft(P1, new Money(12_000.50m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { Name = $"{tenant}/{lead}", SourceLead = lead },
            PipelineDefinition.Default,
            P1.Value,
            Clock);

    private async Task<List<string>> OpportunityIdsAsync(TenantId tenant)
    {
        var ids = new List<string>();
        await foreach (var o in Store.Opportunities.QueryAsync(AccessScope.Manufacturer(tenant), OpportunityQuery.All))
        {
            ids.Add(o.Id.Value);
        }

        return ids;
    }
}
