using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// A whole import (new partners, rows, their events) commits in one transaction: a fault
    /// part-way — the row enumeration failing after half the rows, or the adapter's own fault
    /// points — leaves no row, no partner and no outbox message, and the same batch imported again
    /// afterwards succeeds.
    /// </summary>
    [ConformanceFact]
    public async Task ImportBatch_FaultMidway_LeavesNothingAndTheSameBatchSucceedsAfterwards()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var (partners, opportunities) = ImportBatchOf(40);
        var batch = Batch(partners, opportunities);

        var midway = Batch(partners, opportunities) with { Opportunities = FailAfter(opportunities, 20) };
        await Assert.ThrowsAsync<InjectedFaultException>(() => Store.Importer.ImportAsync(midway));
        await AssertNothingImportedAsync(partners);

        foreach (var point in Store.FaultPoints)
        {
            Store.ArmFault!(point);
            var fault = await Assert.ThrowsAsync<InjectedFaultException>(() => Store.Importer.ImportAsync(batch));
            Store.ArmFault(null);
            Assert.Equal(point, fault.Point);
            await AssertNothingImportedAsync(partners);
        }

        var result = await Store.Importer.ImportAsync(batch);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(40, result.Value);
        var stored = await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All));
        Assert.Equal(opportunities.Select(o => o.Id.Value).Order(StringComparer.Ordinal), stored.Select(o => o.Id.Value));
        Assert.All(stored, o => Assert.Equal(1, o.Version));
        Assert.Equal(partners.Select(p => p.Id.Value), (await ToListAsync(Store.Partners.ListAsync(TenantA))).Select(p => p.Id.Value));
        Assert.Equal(opportunities.SelectMany(o => o.PendingEvents).Select(e => e.EventId).Order(StringComparer.Ordinal), (await Store.Outbox.ListPendingAsync()).Select(m => m.Id).Order(StringComparer.Ordinal));
    }

    /// <summary>One bad row (an amount above the one deal limit) fails the whole batch: no row, no partner, no outbox message; the error names the row and field.</summary>
    [ConformanceFact]
    public async Task ImportBatch_OneBadRow_WritesNothingAndNamesRowAndField()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var (partners, opportunities) = ImportBatchOf(30);
        var rows = opportunities.Select(o => o.ToSnapshot()).ToList();
        rows[17] = rows[17] with { Amount = Money.FromMinorUnits(Money.MaxDealMinorUnits + 1, CurrencyCode.EUR) };

        var result = await Store.Importer.ImportAsync(Batch(partners, opportunities) with { Opportunities = rows });

        var error = Assert.Single(result.Errors);
        Assert.Equal("rows[17].amount", error.Location);
        await AssertNothingImportedAsync(partners);
    }

    /// <summary>
    /// Rows handed over with their own messages (<see cref="OpportunityImportBatch.Rows"/>, what a
    /// producer that builds each aggregate once gives) are numbered after
    /// <see cref="OpportunityImportBatch.Opportunities"/>, and each row's messages commit with it,
    /// in row order and before the batch's own messages.
    /// </summary>
    [ConformanceFact]
    public async Task ImportBatch_RowsWithTheirMessages_CommitInOrderAfterTheOpportunities()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var (partners, opportunities) = ImportBatchOf(30);
        var batch = new OpportunityImportBatch
        {
            NewPartners = partners,
            Opportunities = opportunities.Take(10).Select(o => o.ToSnapshot()),
            Rows = opportunities.Skip(10).Select(RowOf),
            Messages = opportunities.Take(10).SelectMany(o => o.PendingEvents).Select(OutboxMessage.FromDomainEvent),
        };

        var result = await Store.Importer.ImportAsync(batch);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(30, result.Value);
        Assert.Equal(30, (await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All))).Count);
        var expected = opportunities.Skip(10).Concat(opportunities.Take(10)).SelectMany(o => o.PendingEvents).Select(e => e.EventId);
        Assert.Equal(expected, (await Store.Outbox.ListPendingAsync()).Select(m => m.Id));
    }

    /// <summary>A bad row among <see cref="OpportunityImportBatch.Rows"/> is named by its place after the opportunities, and a row stream that fails part-way leaves nothing either.</summary>
    [ConformanceFact]
    public async Task ImportBatch_BadOrFailingRows_WriteNothingAndNameTheRow()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var (partners, opportunities) = ImportBatchOf(30);
        var rows = opportunities.Skip(10).Select(RowOf).ToList();
        rows[15] = rows[15] with { Opportunity = rows[15].Opportunity with { Stage = "No such stage" } };
        var bad = new OpportunityImportBatch { NewPartners = partners, Opportunities = opportunities.Take(10).Select(o => o.ToSnapshot()), Rows = rows };

        var result = await Store.Importer.ImportAsync(bad);

        Assert.Equal("rows[25].stage", Assert.Single(result.Errors).Location);
        await AssertNothingImportedAsync(partners);

        var failing = new OpportunityImportBatch { NewPartners = partners, Rows = FailAfter(opportunities.Select(RowOf), 20) };
        await Assert.ThrowsAsync<InjectedFaultException>(() => Store.Importer.ImportAsync(failing));
        await AssertNothingImportedAsync(partners);
    }

    /// <summary>A partner of the batch that exists already is kept as it is (an import never overwrites it), and the import still succeeds.</summary>
    [ConformanceFact]
    public async Task ImportBatch_ExistingPartner_IsKeptUnchanged()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var (partners, opportunities) = ImportBatchOf(4);
        var existing = new Partner(TenantA, partners[0].Id, "Renamed by an operator", PartnerTier.Gold);
        await Store.Partners.UpsertAsync(existing);

        var result = await Store.Importer.ImportAsync(Batch(partners, opportunities));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(Doc(existing), Doc((await Store.Partners.FindAsync(TenantA, existing.Id))!));
        Assert.Equal(partners.Count, (await ToListAsync(Store.Partners.ListAsync(TenantA))).Count);
    }

    /// <summary>An amount above <see cref="Money.MaxDealMinorUnits"/> is refused by every store's ordinary write too, naming the deal and the field.</summary>
    [ConformanceFact]
    public async Task AddOpportunity_AmountAboveDealLimit_IsRefusedNamingTheField()
    {
        var valid = NewOpportunity(TenantA, "big-1", P1, Clock, 1m);
        var tooLarge = SalesOpportunity.FromSnapshot(valid.ToSnapshot() with { Amount = Money.FromMinorUnits(Money.MaxDealMinorUnits + 1, CurrencyCode.EUR) }, PipelineDefinition.Default);
        var atLimit = SalesOpportunity.FromSnapshot(valid.ToSnapshot() with { Id = new OpportunityId("big-2"), Amount = Money.MaxDealAmount(CurrencyCode.EUR) }, PipelineDefinition.Default);

        var error = await Assert.ThrowsAsync<StoreDataException>(() => Store.Opportunities.AddAsync(tooLarge));
        await Store.Opportunities.AddAsync(atLimit);

        Assert.Equal(nameof(SalesOpportunity.Amount), error.Field);
        Assert.Null(await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), valid.Id));
        Assert.Equal(Money.MaxDealAmount(CurrencyCode.EUR), (await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), atLimit.Id))!.Amount);
    }

    private static OpportunityImportBatch Batch(List<Partner> partners, List<SalesOpportunity> opportunities) => new()
    {
        NewPartners = partners,
        Opportunities = opportunities.Select(o => o.ToSnapshot()),
        Messages = opportunities.SelectMany(o => o.PendingEvents).Select(OutboxMessage.FromDomainEvent),
    };

    /// <summary>New opportunities (with their pending OpportunityOpened events) over three new partners of tenant A.</summary>
    private (List<Partner> Partners, List<SalesOpportunity> Opportunities) ImportBatchOf(int count)
    {
        List<Partner> partners = [.. Enumerable.Range(1, 3).Select(i => NewPartner(TenantA, new PartnerId($"imp-partner-{i}")))];
        List<SalesOpportunity> opportunities = [.. Enumerable.Range(0, count).Select(i => NewOpportunity(TenantA, $"imp-{i:D4}", partners[i % 3].Id, Clock, 100m + i))];
        return (partners, opportunities);
    }

    private static IEnumerable<SalesOpportunitySnapshot> FailAfter(List<SalesOpportunity> opportunities, int rows) =>
        FailAfter(opportunities.Select(o => o.ToSnapshot()), rows);

    private static IEnumerable<T> FailAfter<T>(IEnumerable<T> items, int count)
    {
        foreach (var item in items.Take(count))
        {
            yield return item;
        }

        throw new InjectedFaultException("enumeration");
    }

    private static OpportunityImportRow RowOf(SalesOpportunity opportunity) =>
        new(opportunity.ToSnapshot(), [.. opportunity.PendingEvents.Select(OutboxMessage.FromDomainEvent)]);

    private async Task AssertNothingImportedAsync(List<Partner> partners)
    {
        Assert.Empty(await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All)));
        foreach (var partner in partners)
        {
            Assert.Null(await Store.Partners.FindAsync(TenantA, partner.Id));
        }

        Assert.Empty(await Store.Outbox.ListPendingAsync());
    }
}
