using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// An import may do set-wise what other writes do row by row (an adapter may write the change
    /// feed per chunk, or build its indexes after the rows), but what it leaves is the same: into a
    /// table with deals already stored, larger and then smaller than the table, every imported deal
    /// is on the change feed exactly once after the position before the import, every read path finds
    /// the stored and the imported deals (by partner, the pipeline), and the writes after the import
    /// reach the feed as before.
    /// </summary>
    [ConformanceFact]
    public async Task ImportBatch_IntoStoredDeals_EveryDealOnTheFeedOnceAndFoundByEveryRead()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var stored = Enumerable.Range(0, 3).Select(i => NewOpportunity(TenantA, $"stored-{i}", P1, Clock)).ToList();
        foreach (var opportunity in stored)
        {
            await Store.Opportunities.AddAsync(opportunity);
        }

        var before = Store.ChangeFeed is { } feed ? await feed.ReadHeadAsync(TenantA) : ChangeFeedPosition.Start;
        var (partners, large) = ImportBatchOf(40);
        Assert.True((await Store.Importer.ImportAsync(Batch(partners, large))).IsValid);
        await AssertOnFeedOnceAsync(before, large.Select(o => o.Id.Value));

        // A second import, smaller than the table now, over the same partners.
        before = Store.ChangeFeed is { } again ? await again.ReadHeadAsync(TenantA) : ChangeFeedPosition.Start;
        var small = Enumerable.Range(0, 2).Select(i => NewOpportunity(TenantA, $"small-{i}", partners[0].Id, Clock)).ToList();
        Assert.True((await Store.Importer.ImportAsync(new OpportunityImportBatch { Opportunities = small.Select(o => o.ToSnapshot()) })).IsValid);
        await AssertOnFeedOnceAsync(before, small.Select(o => o.Id.Value));

        var ofPartner = await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.ForPartner(TenantA, partners[0].Id), OpportunityQuery.All));
        Assert.Equal(large.Where((_, i) => i % 3 == 0).Concat(small).Select(o => o.Id.Value).Order(StringComparer.Ordinal), ofPartner.Select(o => o.Id.Value));
        Assert.Equal(stored.Select(o => o.Id.Value), (await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.ForPartner(TenantA, P1), OpportunityQuery.All))).Select(o => o.Id.Value));
        var pipeline = await PipelineSnapshot.FromStoreAsync(Store.Opportunities, AccessScope.Manufacturer(TenantA), new PipelineSnapshotOptions { Pipelines = Pipelines });
        Assert.Equal(45, pipeline.Count);

        // Writes after the imports: an added deal and a saved imported one are on the feed.
        before = Store.ChangeFeed is { } later ? await later.ReadHeadAsync(TenantA) : ChangeFeedPosition.Start;
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "after-import", P1, Clock));
        var saved = (await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), large[5].Id))!;
        saved.MoveToStage("Proposal", "sales", Clock);
        await Store.Opportunities.UpdateAsync(saved);
        await AssertOnFeedOnceAsync(before, ["after-import", large[5].Id.Value]);
    }

    /// <summary>
    /// An import that fails part-way into a table with deals leaves the feed where it was, and the
    /// writes after it are on the feed and found by partner: whatever the import changed for its
    /// own sake (a trigger, an index) is rolled back with its rows.
    /// </summary>
    [ConformanceFact]
    public async Task ImportBatch_FaultMidwayIntoStoredDeals_FeedAndReadsAsBefore()
    {
        if (Store.Importer is null)
        {
            return;
        }

        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "stored-0", P1, Clock));
        var before = Store.ChangeFeed is { } feed ? await feed.ReadHeadAsync(TenantA) : ChangeFeedPosition.Start;
        var (partners, opportunities) = ImportBatchOf(40);
        var failing = Batch(partners, opportunities) with { Opportunities = FailAfter(opportunities, 30) };

        await Assert.ThrowsAsync<InjectedFaultException>(() => Store.Importer.ImportAsync(failing));

        await AssertOnFeedOnceAsync(before, []);
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "stored-1", P1, Clock));
        await AssertOnFeedOnceAsync(before, ["stored-1"]);
        Assert.Equal(["stored-0", "stored-1"], (await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.ForPartner(TenantA, P1), OpportunityQuery.All))).Select(o => o.Id.Value));
    }

    // The feed after the position holds exactly these ids, each once (skipped for a store without a feed).
    private async Task AssertOnFeedOnceAsync(ChangeFeedPosition after, IEnumerable<string> ids)
    {
        if (Store.ChangeFeed is not { } feed)
        {
            return;
        }

        var changes = (await feed.ReadChangesAsync(TenantA, after, 10_000)).Changes;
        Assert.Equal(ids.Order(StringComparer.Ordinal), changes.Select(c => c.Id.Value).Order(StringComparer.Ordinal));
    }
}
