using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>A saved lead reads back with every snapshot field intact and version 1.</summary>
    [ConformanceFact]
    public async Task Lead_AddThenFind_RoundTripsEverySnapshotField()
    {
        var lead = AssignedLead(TenantA, "lead-1", P1, Clock);
        lead.ScheduleNextDue(Clock.GetCurrentInstant() + Duration.FromHours(4));
        await Store.Leads.AddAsync(lead);

        var found = await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), lead.Id);

        Assert.NotNull(found);
        Assert.Equal(1, lead.Version);
        Assert.Equal(1, found.Version);
        Assert.Empty(lead.PendingEvents);
        Assert.Equal(Doc(lead), Doc(found));
    }

    /// <summary>An unknown id reads as null, not as an error.</summary>
    [ConformanceFact]
    public async Task Lead_FindUnknownId_ReturnsNull()
    {
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-1", Clock));

        Assert.Null(await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("lead-2")));
    }

    /// <summary>Adding an id that exists throws the typed concurrency exception and leaves the stored lead as it was.</summary>
    [ConformanceFact]
    public async Task Lead_AddExistingId_ThrowsConcurrencyAndKeepsFirst()
    {
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-1", Clock, "First GmbH"));
        var duplicate = NewLead(TenantA, "lead-1", Clock, "Second GmbH");

        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.Leads.AddAsync(duplicate));

        Assert.Equal("lead-1", ex.AggregateId);
        Assert.Equal(0, duplicate.Version);
        var stored = await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("lead-1"));
        Assert.Equal("First GmbH", stored!.Details.Company);
    }

    /// <summary>
    /// The pairing: a legitimate later write succeeds and moves the version on; a write based on
    /// the older version is refused with the typed exception and the winner's value stands.
    /// </summary>
    [ConformanceFact]
    public async Task Lead_UpdateWithStaleVersion_ThrowsAndWinnerStands()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-1", Clock));
        var first = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;
        var second = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;

        first.Qualify(LeadQualification.Full, "alice", Clock);
        await Store.Leads.UpdateAsync(first);
        second.Disqualify("spam", "bob", Clock);
        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.Leads.UpdateAsync(second));

        Assert.Equal(1, ex.ExpectedVersion);
        Assert.Equal(2, ex.ActualVersion);
        Assert.Equal(1, second.Version);
        Assert.NotEmpty(second.PendingEvents);
        var stored = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;
        Assert.Equal(LeadState.Qualified, stored.State);
        Assert.Equal(2, stored.Version);

        stored.Assign(P1, Clock.GetCurrentInstant() + Duration.FromDays(1), "router", Clock);
        await Store.Leads.UpdateAsync(stored);
        Assert.Equal(3, (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!.Version);
    }

    /// <summary>Updating a lead that was never added throws the typed exception and creates nothing.</summary>
    [ConformanceFact]
    public async Task Lead_UpdateMissing_ThrowsConcurrencyAndCreatesNothing()
    {
        var ghost = Lead.FromSnapshot(NewLead(TenantA, "ghost", Clock).ToSnapshot() with { Version = 3 });

        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.Leads.UpdateAsync(ghost));

        Assert.Null(ex.ActualVersion);
        Assert.Null(await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), ghost.Id));
    }

    /// <summary>Queries filter by state and by partner and return leads ordered by id (code-point order).</summary>
    [ConformanceFact]
    public async Task Lead_Query_FiltersByStateAndPartnerOrderedById()
    {
        await Store.Leads.AddAsync(AssignedLead(TenantA, "b", P1, Clock));
        await Store.Leads.AddAsync(NewLead(TenantA, "a", Clock));
        await Store.Leads.AddAsync(AssignedLead(TenantA, "C", P2, Clock));
        await Store.Leads.AddAsync(AssignedLead(TenantA, "a-2", P1, Clock));
        var scope = AccessScope.Manufacturer(TenantA);

        var all = await ToListAsync(Store.Leads.QueryAsync(scope, LeadQuery.All));
        var assigned = await ToListAsync(Store.Leads.QueryAsync(scope, new LeadQuery { States = [LeadState.Assigned] }));
        var ofP1 = await ToListAsync(Store.Leads.QueryAsync(scope, new LeadQuery { Partner = P1 }));
        var captured = await ToListAsync(Store.Leads.QueryAsync(scope, new LeadQuery { States = [LeadState.Captured, LeadState.Disqualified] }));

        Assert.Equal(["C", "a", "a-2", "b"], all.Select(l => l.Id.Value));
        Assert.Equal(["C", "a-2", "b"], assigned.Select(l => l.Id.Value));
        Assert.Equal(["a-2", "b"], ofP1.Select(l => l.Id.Value));
        Assert.Equal(["a"], captured.Select(l => l.Id.Value));
        Assert.Equal(Doc((await Store.Leads.FindAsync(scope, new LeadId("b")))!), Doc(all[3]));
    }
}
