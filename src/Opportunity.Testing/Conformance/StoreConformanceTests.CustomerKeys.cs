using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

// Customer keys of opportunities (FindByCustomerKeysAsync) and the atomic merge of two leads (ILeadMergeStore).
public abstract partial class StoreConformanceTests
{
    /// <summary>A deal's customer keys are stored with it (read back equal) and each key alone finds it; a deal without keys is never found.</summary>
    [ConformanceFact]
    public async Task FindByCustomerKeys_ByEachKeyAlone_FindsTheDealWithItsStoredKeys()
    {
        await Store.Opportunities.AddAsync(KeyedDeal(TenantA, "opp-1", P1, "ACME Heizung GmbH & Co. KG", "Jane@Sales.ACME.de", "+49 (89) 123-4567"));
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "opp-2", P1, Clock, name: "ACME Heizung"));
        var scope = AccessScope.Manufacturer(TenantA);

        var stored = (await Store.Opportunities.FindAsync(scope, new OpportunityId("opp-1")))!;
        Assert.Equal(new DuplicateKeys("acme heizung", "sales.acme.de", "891234567"), stored.CustomerKeys);
        Assert.Null((await Store.Opportunities.FindAsync(scope, new OpportunityId("opp-2")))!.CustomerKeys);
        Assert.Equal(["opp-1"], await DealIds(scope, new DuplicateKeys("acme heizung", null, null)));
        Assert.Equal(["opp-1"], await DealIds(scope, new DuplicateKeys(null, "sales.acme.de", null)));
        Assert.Equal(["opp-1"], await DealIds(scope, new DuplicateKeys(null, null, "891234567")));
        Assert.Empty(await DealIds(scope, new DuplicateKeys("acme", "acme.de", "123456789")));
        Assert.Empty(await DealIds(scope, new DuplicateKeys(null, null, null)));
    }

    /// <summary>Deals of another tenant with the same keys and ids never match; a partner finds only its own deals; closed deals are found too (the caller decides).</summary>
    [ConformanceFact]
    public async Task FindByCustomerKeys_OtherTenantAndPartnerScope_KeptApart()
    {
        await Store.Opportunities.AddAsync(KeyedDeal(TenantA, "opp-1", P1, "Acme", null, null));
        var lost = KeyedDeal(TenantA, "opp-2", P2, "Acme", null, null);
        lost.CloseLost("budget gone", "system", Clock);
        await Store.Opportunities.AddAsync(lost);
        await Store.Opportunities.AddAsync(KeyedDeal(TenantB, "opp-1", P1, "Acme", null, null));
        await Store.Opportunities.AddAsync(KeyedDeal(TenantB, "opp-3", P1, "Acme", null, null));
        var keys = new DuplicateKeys("acme", null, null);

        Assert.Equal(["opp-1", "opp-2"], await DealIds(AccessScope.Manufacturer(TenantA), keys));
        Assert.Equal(["opp-1", "opp-3"], await DealIds(AccessScope.Manufacturer(TenantB), keys));
        Assert.Equal(["opp-2"], await DealIds(AccessScope.ForPartner(TenantA, P2), keys));
        Assert.Empty(await DealIds(AccessScope.ForPartner(TenantB, P2), keys));
        var fromB = Assert.Single(await ToListAsync(Store.Opportunities.FindByCustomerKeysAsync(AccessScope.Manufacturer(TenantB), keys)), o => o.Id.Value == "opp-1");
        Assert.Equal(TenantB, fromB.Tenant);
    }

    /// <summary>The keys survive an update of the deal and are indexed for deals written by the bulk importer and by a conversion (from the lead).</summary>
    [ConformanceFact]
    public async Task FindByCustomerKeys_UpdatedImportedAndConvertedDeals_AreIndexed()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        var deal = KeyedDeal(TenantA, "opp-1", P1, "Acme", null, null);
        await Store.Opportunities.AddAsync(deal);
        deal.ChangeExpectedClose(new LocalDate(2025, 9, 30), "system", Clock);
        await Store.Opportunities.UpdateAsync(deal);
        var expected = new List<string> { "opp-1" };
        if (Store.Importer is { } importer)
        {
            var imported = KeyedDeal(TenantA, "opp-imported", P1, "Acme AG", null, null);
            Assert.True((await importer.ImportAsync([imported.ToSnapshot()])).IsValid);
            expected.Add("opp-imported");
        }

        if (Store.Conversions is { } conversions)
        {
            var lead = AssignedLead(TenantA, "lead-1", P1, Clock, company: "ACME GmbH");
            lead.Accept(P1, Clock);
            await Store.Leads.AddAsync(lead);
            var converted = SalesOpportunity.Open(
                TenantA,
                new OpportunityId("opp-lead"),
                new SalesOpportunityDraft(P1, new Money(5_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { SourceLead = lead.Id, CustomerKeys = DuplicateKeys.Normalised(lead.Details) },
                PipelineDefinition.Default,
                "partner-1",
                Clock);
            lead.Convert(converted.Id, "partner-1", Clock);
            await conversions.ConvertAsync(lead, converted);
            expected.Add("opp-lead");
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), await DealIds(scope, new DuplicateKeys("acme", null, null)));
    }

    /// <summary>A merge saves both leads in one step: the duplicate Merged and pointing to the survivor, which lists it; both versions advance; both events reach the outbox.</summary>
    [ConformanceFact]
    public async Task MergeLeads_BothLeadsAndEvents_SavedTogether()
    {
        if (Store.Merges is not { } merges)
        {
            return;
        }

        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-a", Clock, "Acme"));
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-b", Clock, "Acme GmbH"));
        await Store.Leads.AddAsync(NewLead(TenantB, "lead-b", Clock, "Acme GmbH"));
        var before = (await Store.Outbox.ListPendingAsync()).Count;
        var survivor = (await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!;
        var duplicate = (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!;
        survivor.MergeIn(duplicate, "same customer", "alice", Clock);

        await merges.MergeAsync(survivor, duplicate);

        var kept = (await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!;
        var merged = (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!;
        Assert.Equal([new LeadId("lead-b")], kept.MergedLeads);
        Assert.Equal((LeadState.Captured, 2L), (kept.State, kept.Version));
        Assert.Equal((LeadState.Merged, new LeadId("lead-a"), 2L), (merged.State, merged.MergedInto, merged.Version));
        Assert.Equal(LeadState.Captured, (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantB), new LeadId("lead-b")))!.State);
        var written = (await Store.Outbox.ListPendingAsync()).Skip(before).Select(m => m.Type).Order(StringComparer.Ordinal);
        Assert.Equal([nameof(LeadDuplicateMerged), nameof(LeadMerged)], written);
    }

    /// <summary>
    /// The survivor keeps its own values and takes the duplicate's where it has none: stored, and indexed,
    /// so the duplicate's phone now finds the survivor as a duplicate candidate (the merged lead is none).
    /// </summary>
    [ConformanceFact]
    public async Task MergeLeads_SurvivorBlanksFilledFromTheDuplicate_StoredAndIndexed()
    {
        if (Store.Merges is not { } merges)
        {
            return;
        }

        var scope = AccessScope.Manufacturer(TenantA);
        var sparse = Details("Acme") with { Contact = new LeadContact("Ada Example", "ada@acme-example.de", null), ProductInterest = null, EstimatedValue = null };
        var full = Details("Acme Heizungsbau GmbH") with { Contact = new LeadContact("A. Example", "info@acme-example.de", "+49 89 5550123"), ProductInterest = "solar" };
        await Store.Leads.AddAsync(Lead.Capture(TenantA, new LeadId("lead-a"), sparse, "system", Clock));
        await Store.Leads.AddAsync(Lead.Capture(TenantA, new LeadId("lead-b"), full, "system", Clock));
        var survivor = (await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!;
        var duplicate = (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!;
        survivor.MergeIn(duplicate, "same customer", "alice", Clock);

        await merges.MergeAsync(survivor, duplicate);

        var kept = (await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!;
        Assert.Equal(new LeadContact("Ada Example", "ada@acme-example.de", "+49 89 5550123"), kept.Details.Contact);
        Assert.Equal(("Acme", "solar", sparse.Location), (kept.Details.Company, kept.Details.ProductInterest, kept.Details.Location));
        Assert.Equal(full.EstimatedValue, kept.Details.EstimatedValue);
        Assert.Equal(full.Contact, (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!.Details.Contact);
        var byPhone = await ToListAsync(Store.Leads.FindDuplicateCandidatesAsync(scope, new DuplicateKeys(null, null, DuplicateKeys.NormalisePhone("+49 89 5550123"))));
        Assert.Contains(byPhone, l => l.Id == new LeadId("lead-a"));
    }

    /// <summary>When either lead was saved meanwhile the merge writes nothing (neither lead, nor an event), whichever of the two is stale.</summary>
    [ConformanceFact]
    public async Task MergeLeads_EitherLeadStale_WritesNothing()
    {
        if (Store.Merges is not { } merges)
        {
            return;
        }

        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-a", Clock, "Acme"));
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-b", Clock, "Acme GmbH"));
        foreach (var staleId in new[] { "lead-a", "lead-b" })
        {
            var survivor = (await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!;
            var duplicate = (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!;
            var meanwhile = (await Store.Leads.FindAsync(scope, new LeadId(staleId)))!;
            await Store.Leads.UpdateAsync(meanwhile); // another host saved it: its version moved on
            var pending = (await Store.Outbox.ListPendingAsync()).Count;
            survivor.MergeIn(duplicate, "same customer", "alice", Clock);

            var refused = await Assert.ThrowsAsync<ConcurrencyException>(() => merges.MergeAsync(survivor, duplicate));

            Assert.Equal(staleId, refused.AggregateId);
            Assert.Empty((await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!.MergedLeads);
            Assert.NotEqual(LeadState.Merged, (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!.State);
            Assert.Equal(pending, (await Store.Outbox.ListPendingAsync()).Count);
        }
    }

    /// <summary>A fault between the two lead writes rolls both back; the merge then succeeds when retried.</summary>
    [ConformanceFact]
    public async Task MergeLeads_FaultBetweenTheWrites_WritesNothing()
    {
        if (Store.Merges is not { } merges || !Store.FaultPoints.Contains("after-state"))
        {
            return;
        }

        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-a", Clock, "Acme"));
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-b", Clock, "Acme GmbH"));
        var pending = (await Store.Outbox.ListPendingAsync()).Count;
        var survivor = (await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!;
        var duplicate = (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!;
        survivor.MergeIn(duplicate, "same customer", "alice", Clock);
        Store.ArmFault!("after-state");
        await Assert.ThrowsAsync<InjectedFaultException>(() => merges.MergeAsync(survivor, duplicate));
        Store.ArmFault(null);

        Assert.Equal(1, (await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!.Version);
        Assert.Equal(LeadState.Captured, (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!.State);
        Assert.Equal(pending, (await Store.Outbox.ListPendingAsync()).Count);
        var again = (await Store.Leads.FindAsync(scope, new LeadId("lead-a")))!;
        var again2 = (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!;
        again.MergeIn(again2, "same customer", "alice", Clock);
        await merges.MergeAsync(again, again2);
        Assert.Equal(LeadState.Merged, (await Store.Leads.FindAsync(scope, new LeadId("lead-b")))!.State);
    }

    private SalesOpportunity KeyedDeal(TenantId tenant, string id, PartnerId partner, string? company, string? email, string? phone) =>
        SalesOpportunity.Open(
            tenant,
            new OpportunityId(id),
            new SalesOpportunityDraft(partner, new Money(10_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { CustomerKeys = DuplicateKeys.OfCustomer(company, email, phone) },
            PipelineDefinition.Default,
            "system",
            Clock);

    private async Task<List<string>> DealIds(AccessScope scope, DuplicateKeys keys) =>
        [.. (await ToListAsync(Store.Opportunities.FindByCustomerKeysAsync(scope, keys))).Select(o => o.Id.Value)];
}
