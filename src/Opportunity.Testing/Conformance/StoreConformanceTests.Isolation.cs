using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// The same lead, opportunity and partner ids exist in two tenants, owned by different partners
    /// in each. Every read path of every port — find, query with each filter, partner lookups,
    /// dead letters — is asked from six scopes (each tenant's manufacturer and both its partners),
    /// and each answer holds exactly what that scope may see, with its own tenant's content.
    /// </summary>
    [ConformanceFact]
    public async Task Isolation_SameIdsInTwoTenantsAndPartners_EveryReadPathSeesOnlyItsOwn()
    {
        // Tenant A: lead-1 → P1, lead-2 → P2. Tenant B: swapped. lead-3 unassigned, lead-4 rejected by its partner.
        var owners = new Dictionary<TenantId, (PartnerId Lead1, PartnerId Lead2)> { [TenantA] = (P1, P2), [TenantB] = (P2, P1) };
        var now = Clock.GetCurrentInstant();
        foreach (var (tenant, (owner1, owner2)) in owners)
        {
            await Store.Partners.UpsertAsync(NewPartner(tenant, P1));
            await Store.Partners.UpsertAsync(NewPartner(tenant, P2));
            await Store.Leads.AddAsync(AssignedLead(tenant, "lead-1", owner1, Clock));
            var lead2 = AssignedLead(tenant, "lead-2", owner2, Clock);
            lead2.Accept(owner2, Clock);
            await Store.Leads.AddAsync(lead2);
            await Store.Leads.AddAsync(NewLead(tenant, "lead-3", Clock));
            var lead4 = AssignedLead(tenant, "lead-4", owner1, Clock);
            lead4.Reject(owner1, "out of area", Clock);
            await Store.Leads.AddAsync(lead4);
            await Store.Opportunities.AddAsync(NewOpportunity(tenant, "opp-1", owner1, Clock));
            var opp2 = NewOpportunity(tenant, "opp-2", owner2, Clock);
            opp2.CloseWon("signed", "system", Clock);
            await Store.Opportunities.AddAsync(opp2);
            await Store.Outbox.EnqueueAsync([Message($"dead-{tenant}", tenant, now)]);
        }

        await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 10_000, "host", Duration.FromHours(1)));
        foreach (var tenant in owners.Keys)
        {
            Assert.True(await Store.Outbox.DeadLetterAsync($"dead-{tenant}", "host", "550", now));
        }

        foreach (var (tenant, (owner1, owner2)) in owners)
        {
            await AssertSees(AccessScope.Manufacturer(tenant), ["lead-1", "lead-2", "lead-3", "lead-4"], ["opp-1", "opp-2"]);
            await AssertSees(AccessScope.ForPartner(tenant, owner1), ["lead-1"], ["opp-1"]);
            await AssertSees(AccessScope.ForPartner(tenant, owner2), ["lead-2"], ["opp-2"]);

            Assert.Equal($"{tenant}/{P1}", (await Store.Partners.FindAsync(tenant, P1))!.Name);
            Assert.Equal([$"{tenant}/{P1}", $"{tenant}/{P2}"], (await ToListAsync(Store.Partners.ListAsync(tenant))).Select(p => p.Name));
            Assert.Equal([$"dead-{tenant}"], (await Store.Outbox.ListDeadLettersAsync(tenant)).Select(d => d.Message.Id));
        }

        Assert.Null(await Store.Partners.FindAsync(new TenantId("tenant-c"), P1));
        Assert.Empty(await ToListAsync(Store.Partners.ListAsync(new TenantId("tenant-c"))));
        await AssertSees(AccessScope.Manufacturer(new TenantId("tenant-c")), [], []);

        async Task AssertSees(AccessScope scope, string[] leads, string[] opportunities)
        {
            var context = scope.IsManufacturer ? $"manufacturer of {scope.Tenant}" : $"partner {scope.Partner} of {scope.Tenant}";
            foreach (var id in new[] { "lead-1", "lead-2", "lead-3", "lead-4", "lead-5" })
            {
                var found = await Store.Leads.FindAsync(scope, new LeadId(id));
                Assert.True(leads.Contains(id) == found is not null, $"{context}: Find({id}) visibility is wrong.");
                Assert.True(found is null || found.Details.Company == $"{scope.Tenant}/{id}", $"{context}: Find({id}) returned another tenant's lead.");
            }

            Assert.Equal(leads, await LeadIds(LeadQuery.All));
            foreach (var partner in new[] { P1, P2 })
            {
                var expected = leads.Where(id => owners.TryGetValue(scope.Tenant, out var o) && (id == "lead-1" ? o.Lead1 : id == "lead-2" ? o.Lead2 : id == "lead-4" ? o.Lead1 : default) == partner);
                Assert.Equal(expected, await LeadIds(new LeadQuery { Partner = partner }));
            }

            var assigned = leads.Where(id => id is "lead-1" or "lead-4");
            Assert.Equal(assigned, await LeadIds(new LeadQuery { States = [LeadState.Assigned, LeadState.Rejected] }));

            foreach (var id in new[] { "opp-1", "opp-2", "opp-3" })
            {
                var found = await Store.Opportunities.FindAsync(scope, new OpportunityId(id));
                Assert.True(opportunities.Contains(id) == found is not null, $"{context}: Find({id}) visibility is wrong.");
                Assert.True(found is null || found.Name == $"{scope.Tenant}/{id}", $"{context}: Find({id}) returned another tenant's opportunity.");
            }

            Assert.Equal(opportunities, await OpportunityIds(OpportunityQuery.All));
            Assert.Equal(opportunities.Where(id => id == "opp-1"), await OpportunityIds(new OpportunityQuery { IsOpen = true }));
            Assert.Equal(opportunities.Where(id => id == "opp-2"), await OpportunityIds(new OpportunityQuery { IsOpen = false }));
            foreach (var partner in new[] { P1, P2 })
            {
                var expected = opportunities.Where(id => owners.TryGetValue(scope.Tenant, out var o) && (id == "opp-1" ? o.Lead1 : o.Lead2) == partner);
                Assert.Equal(expected, await OpportunityIds(new OpportunityQuery { Partner = partner }));
            }

            async Task<string[]> LeadIds(LeadQuery query)
            {
                var found = await ToListAsync(Store.Leads.QueryAsync(scope, query));
                Assert.All(found, l => Assert.Equal($"{scope.Tenant}/{l.Id}", l.Details.Company));
                return [.. found.Select(l => l.Id.Value)];
            }

            async Task<string[]> OpportunityIds(OpportunityQuery query)
            {
                var found = await ToListAsync(Store.Opportunities.QueryAsync(scope, query));
                Assert.All(found, o => Assert.Equal($"{scope.Tenant}/{o.Id}", o.Name));
                return [.. found.Select(o => o.Id.Value)];
            }
        }
    }

    /// <summary>A partner sees a lead while it is assigned to it, accepted or converted by it — not before, and not after it rejected it.</summary>
    [ConformanceFact]
    public async Task Isolation_PartnerSeesLeadOnlyWhileOfferedAcceptedOrConverted()
    {
        var p1 = AccessScope.ForPartner(TenantA, P1);
        var p2 = AccessScope.ForPartner(TenantA, P2);
        var lead = NewLead(TenantA, "lead-1", Clock);
        lead.Qualify(LeadQualification.Full, "system", Clock);
        await Store.Leads.AddAsync(lead);
        await AssertVisible(manufacturer: true, toP1: false, toP2: false);

        lead.Assign(P1, Clock.GetCurrentInstant() + Duration.FromDays(1), "router", Clock);
        await Store.Leads.UpdateAsync(lead);
        await AssertVisible(manufacturer: true, toP1: true, toP2: false);

        lead.Reject(P1, "no capacity", Clock);
        await Store.Leads.UpdateAsync(lead);
        await AssertVisible(manufacturer: true, toP1: false, toP2: false);

        lead.Assign(P2, Clock.GetCurrentInstant() + Duration.FromDays(1), "router", Clock);
        lead.Accept(P2, Clock);
        await Store.Leads.UpdateAsync(lead);
        await AssertVisible(manufacturer: true, toP1: false, toP2: true);

        lead.Convert(new OpportunityId("opp-1"), "partner-2", Clock);
        await Store.Leads.UpdateAsync(lead);
        await AssertVisible(manufacturer: true, toP1: false, toP2: true);

        async Task AssertVisible(bool manufacturer, bool toP1, bool toP2)
        {
            foreach (var (scope, expected) in new (AccessScope Scope, bool Expected)[] { (AccessScope.Manufacturer(TenantA), manufacturer), (p1, toP1), (p2, toP2) })
            {
                Assert.Equal(expected, await Store.Leads.FindAsync(scope, lead.Id) is not null);
                Assert.Equal(expected ? 1 : 0, (await ToListAsync(Store.Leads.QueryAsync(scope, LeadQuery.All))).Count);
            }
        }
    }
}
