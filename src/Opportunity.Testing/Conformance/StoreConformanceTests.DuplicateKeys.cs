using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Workflows;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>Each of the three keys alone finds the lead, through the same normalisation as <see cref="DuplicateKeys.Normalised"/>.</summary>
    [ConformanceFact]
    public async Task FindDuplicateCandidates_ByEachKeyAlone_FindsTheLead()
    {
        await Store.Leads.AddAsync(KeyedLead(TenantA, "lead-1", "ACME Heizung GmbH & Co. KG", "Jane@Sales.ACME.de", "+49 (89) 123-4567"));
        await Store.Leads.AddAsync(KeyedLead(TenantA, "lead-2", "Other AG", "bob@other.de", "+49 30 999 888 77"));
        var scope = AccessScope.Manufacturer(TenantA);

        Assert.Equal(["lead-1"], await CandidateIds(scope, new DuplicateKeys("acme heizung", null, null)));
        Assert.Equal(["lead-1"], await CandidateIds(scope, new DuplicateKeys(null, "sales.acme.de", null)));
        Assert.Equal(["lead-1"], await CandidateIds(scope, new DuplicateKeys(null, null, "891234567")));
        Assert.Equal(["lead-1"], await CandidateIds(scope, DuplicateKeys.Normalised(KeyedDetails("Acme Heizung", null, null))));
    }

    /// <summary>Several keys match any of them; every lead sharing one comes back once, ordered by id, in any state.</summary>
    [ConformanceFact]
    public async Task FindDuplicateCandidates_SeveralKeys_ReturnsEachMatchOnceOrderedByIdInAnyState()
    {
        await Store.Leads.AddAsync(KeyedLead(TenantA, "lead-c", "Acme", "a@acme.de", "0891234567"));
        await Store.Leads.AddAsync(KeyedLead(TenantA, "lead-a", "Beta GmbH", "x@acme.de", null));
        var disqualified = KeyedLead(TenantA, "lead-b", "Gamma", null, "+49 89 1234567");
        disqualified.Disqualify("spam", "alice", Clock);
        await Store.Leads.AddAsync(disqualified);

        var ids = await CandidateIds(AccessScope.Manufacturer(TenantA), new DuplicateKeys("acme", "acme.de", "891234567"));

        Assert.Equal(["lead-a", "lead-b", "lead-c"], ids);
    }

    /// <summary>
    /// Nothing matches on a different value, on the same value under another key, or with no key at
    /// all; free-mail domains are indexed like any other (the policy filters them, not the store).
    /// </summary>
    [ConformanceFact]
    public async Task FindDuplicateCandidates_NoSharedKey_ReturnsNothing()
    {
        await Store.Leads.AddAsync(KeyedLead(TenantA, "lead-1", "acme.de", "jane@gmail.com", "123456789"));
        var scope = AccessScope.Manufacturer(TenantA);

        Assert.Empty(await CandidateIds(scope, new DuplicateKeys("acme", "acme.com", "923456789")));
        Assert.Empty(await CandidateIds(scope, new DuplicateKeys(null, "acme.de", null)));
        Assert.Empty(await CandidateIds(scope, new DuplicateKeys("123456789", null, null)));
        Assert.Empty(await CandidateIds(scope, new DuplicateKeys(null, null, null)));
        Assert.Equal(["lead-1"], await CandidateIds(scope, new DuplicateKeys(null, "gmail.com", null)));
    }

    /// <summary>Leads of another tenant with the same keys (and the same id) never match; a partner sees only its own.</summary>
    [ConformanceFact]
    public async Task FindDuplicateCandidates_OtherTenantAndPartnerScope_KeptApart()
    {
        await Store.Leads.AddAsync(Assigned(KeyedLead(TenantA, "lead-1", "Acme", null, null), P1));
        await Store.Leads.AddAsync(Assigned(KeyedLead(TenantA, "lead-2", "Acme", null, null), P2));
        await Store.Leads.AddAsync(KeyedLead(TenantB, "lead-1", "Acme", null, null));
        await Store.Leads.AddAsync(KeyedLead(TenantB, "lead-3", "Acme", null, null));
        var keys = new DuplicateKeys("acme", null, null);

        Assert.Equal(["lead-1", "lead-2"], await CandidateIds(AccessScope.Manufacturer(TenantA), keys));
        Assert.Equal(["lead-1", "lead-3"], await CandidateIds(AccessScope.Manufacturer(TenantB), keys));
        Assert.Equal(["lead-2"], await CandidateIds(AccessScope.ForPartner(TenantA, P2), keys));
        Assert.Empty(await CandidateIds(AccessScope.ForPartner(TenantB, P1), keys));
        var fromB = Assert.Single(await ToListAsync(Store.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(TenantB), new DuplicateKeys("acme", null, null))), l => l.Id.Value == "lead-1");
        Assert.Equal(TenantB, fromB.Tenant);
    }

    /// <summary>The index follows an update: the old company no longer finds the lead, the new one does.</summary>
    [ConformanceFact]
    public async Task FindDuplicateCandidates_AfterUpdateChangingCompany_FollowsTheNewKeys()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Leads.AddAsync(KeyedLead(TenantA, "lead-1", "Acme GmbH", "jane@acme.de", null));
        await Store.Leads.AddAsync(KeyedLead(TenantA, "lead-2", "Acme", null, null));
        var stored = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;
        var snapshot = stored.ToSnapshot();
        var renamed = Lead.FromSnapshot(snapshot with { Details = snapshot.Details with { Company = "Zeta Kältetechnik KG", Contact = new LeadContact("Jane", "jane@zeta.de", null) } });
        renamed.Qualify(LeadQualification.Full, "alice", Clock);

        await Store.Leads.UpdateAsync(renamed);

        Assert.Equal(["lead-2"], await CandidateIds(scope, new DuplicateKeys("acme", null, null)));
        Assert.Empty(await CandidateIds(scope, new DuplicateKeys(null, "acme.de", null)));
        Assert.Equal(["lead-1"], await CandidateIds(scope, new DuplicateKeys("zeta kaltetechnik", "zeta.de", null)));
        var found = Assert.Single(await ToListAsync(Store.Leads.FindDuplicateCandidatesAsync(scope, new DuplicateKeys(null, "zeta.de", null))));
        Assert.Equal(LeadState.Qualified, found.State);
        Assert.Equal(2, found.Version);
    }

    /// <summary>A refused stale write leaves the index as it was.</summary>
    [ConformanceFact]
    public async Task FindDuplicateCandidates_AfterStaleUpdate_KeepsTheStoredKeys()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Leads.AddAsync(KeyedLead(TenantA, "lead-1", "Acme", null, null));
        var first = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;
        var snapshot = first.ToSnapshot();
        first.Qualify(LeadQualification.Full, "alice", Clock);
        await Store.Leads.UpdateAsync(first);
        var stale = Lead.FromSnapshot(snapshot with { Details = snapshot.Details with { Company = "Zeta" } });
        stale.Qualify(LeadQualification.Full, "bob", Clock);

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.Leads.UpdateAsync(stale));

        Assert.Equal(["lead-1"], await CandidateIds(scope, new DuplicateKeys("acme", null, null)));
        Assert.Empty(await CandidateIds(scope, new DuplicateKeys("zeta", null, null)));
    }

    private static LeadDetails KeyedDetails(string? company, string? email, string? phone) =>
        Details("unused") with { Company = company, Contact = new LeadContact("Contact", email, phone) };

    private Lead KeyedLead(TenantId tenant, string id, string? company, string? email, string? phone) =>
        Lead.Capture(tenant, new LeadId(id), KeyedDetails(company, email, phone), "system", Clock);

    private Lead Assigned(Lead lead, PartnerId partner)
    {
        lead.Qualify(LeadQualification.Full, "system", Clock);
        lead.Assign(partner, Clock.GetCurrentInstant() + NodaTime.Duration.FromDays(2), "router", Clock);
        return lead;
    }

    private async Task<List<string>> CandidateIds(AccessScope scope, DuplicateKeys keys) =>
        [.. (await ToListAsync(Store.Leads.FindDuplicateCandidatesAsync(scope, keys))).Select(l => l.Id.Value)];
}
