using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// The change feed (<see cref="IChangeFeed"/>): committed changes of opportunities per tenant, in
/// order, from a position, none missed when transactions commit out of order. Runs when the adapter
/// gives <see cref="StoreUnderTest.ChangeFeed"/>.
/// </summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>Adds, a save and their rows: one entry per change, positions rising, each with the deal's stored version and pipeline row.</summary>
    [ConformanceFact]
    public async Task ChangeFeed_AddsAndSaves_AppearInOrderWithTheStoredRows()
    {
        if (Store.ChangeFeed is not { } feed)
        {
            return;
        }

        Assert.Equal(ChangeFeedPosition.Start, await feed.ReadHeadAsync(TenantA));
        var first = NewOpportunity(TenantA, "o-1", P1, Clock);
        await Store.Opportunities.AddAsync(first);
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "o-2", P2, Clock, 250m));
        first.ChangeAmount(new Money(12_345.67m, CurrencyCode.EUR), "sales", Clock);
        first.MoveToStage("Proposal", "sales", Clock);
        await Store.Opportunities.UpdateAsync(first);

        var batch = await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100);

        Assert.Equal(["o-1", "o-2", "o-1"], batch.Changes.Select(c => c.Id.Value));
        Assert.True(batch.Changes.Zip(batch.Changes.Skip(1)).All(p => p.First.Position < p.Second.Position), "positions rise");
        Assert.Equal(batch.Changes[^1].Position, batch.Next);
        Assert.Equal(batch.Next, await feed.ReadHeadAsync(TenantA));
        var stored = (await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), first.Id))!;
        Assert.All(batch.Changes.Where(c => c.Id == first.Id), c =>
        {
            Assert.Equal(2, c.Version);
            Assert.Equal(StoredPipelineRow.Of(stored), c.Row);
        });
        Assert.Equal(250_00, batch.Changes[1].Row!.Value.AmountMinorUnits);
    }

    /// <summary>Reading in small batches from each returned position gives the same changes as one read; past the end the position stays.</summary>
    [ConformanceFact]
    public async Task ChangeFeed_ReadFromPosition_ReturnsOnlyLaterChanges()
    {
        if (Store.ChangeFeed is not { } feed)
        {
            return;
        }

        for (var i = 0; i < 7; i++)
        {
            await Store.Opportunities.AddAsync(NewOpportunity(TenantA, $"o-{i}", P1, Clock));
        }

        var whole = await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100);
        var pieces = new List<OpportunityChange>();
        var position = ChangeFeedPosition.Start;
        while (true)
        {
            var batch = await feed.ReadChangesAsync(TenantA, position, 3);
            Assert.InRange(batch.Changes.Count, 0, 3);
            if (batch.Changes.Count == 0)
            {
                Assert.Equal(position, batch.Next);
                break;
            }

            pieces.AddRange(batch.Changes);
            position = batch.Next;
        }

        Assert.Equal(whole.Changes.Select(c => (c.Position, c.Id)), pieces.Select(c => (c.Position, c.Id)));
        Assert.Equal(7, pieces.Count);
        Assert.Equal(["o-5", "o-6"], (await feed.ReadChangesAsync(TenantA, whole.Changes[4].Position, 100)).Changes.Select(c => c.Id.Value));
    }

    /// <summary>A tenant reads only its own changes; an untouched tenant's feed is empty.</summary>
    [ConformanceFact]
    public async Task ChangeFeed_TwoTenants_EachReadsOnlyItsOwn()
    {
        if (Store.ChangeFeed is not { } feed)
        {
            return;
        }

        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "a-1", P1, Clock));
        await Store.Opportunities.AddAsync(NewOpportunity(TenantB, "b-1", P1, Clock));
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "a-2", P1, Clock));

        Assert.Equal(["a-1", "a-2"], (await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100)).Changes.Select(c => c.Id.Value));
        Assert.Equal(["b-1"], (await feed.ReadChangesAsync(TenantB, ChangeFeedPosition.Start, 100)).Changes.Select(c => c.Id.Value));
        var other = new TenantId("tenant-c");
        Assert.Empty((await feed.ReadChangesAsync(other, ChangeFeedPosition.Start, 100)).Changes);
        Assert.Equal(ChangeFeedPosition.Start, await feed.ReadHeadAsync(other));
    }

    /// <summary>Imported opportunities appear in the feed like added ones.</summary>
    [ConformanceFact]
    public async Task ChangeFeed_Import_AppearsInTheFeed()
    {
        if (Store.ChangeFeed is not { } feed || Store.Importer is null)
        {
            return;
        }

        var result = await Store.Importer.ImportAsync([.. Enumerable.Range(0, 3).Select(i => NewOpportunity(TenantA, $"i-{i}", P1, Clock).ToSnapshot())]);
        Assert.True(result.IsValid);

        var changes = (await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100)).Changes;
        Assert.Equal(["i-0", "i-1", "i-2"], changes.Select(c => c.Id.Value).Order(StringComparer.Ordinal));
        Assert.All(changes, c => Assert.Equal(1, c.Version));
    }

    /// <summary>In the application's transaction the feed's entries roll back and commit with it; until the commit no reader sees them.</summary>
    [ConformanceFact]
    public async Task ChangeFeed_CallerTransaction_EntriesCommitAndRollBackWithIt()
    {
        if (Store.ChangeFeed is not { } feed || Store.Caller is not { } caller)
        {
            return;
        }

        Assert.Equal(ChangeFeedPosition.Start, await feed.ReadHeadAsync(TenantA)); // a store call before the caller's transaction: the schema is ready
        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            using (StoreTransaction.Enlist(transaction))
            {
                await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "rolled-back", P1, Clock));
            }

            await transaction.RollbackAsync();
        }

        await using (var connection = await caller.OpenConnection())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            using (StoreTransaction.Enlist(transaction))
            {
                await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "committed", P1, Clock));
                Assert.Empty((await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100)).Changes);
            }

            await transaction.CommitAsync();
        }

        Assert.Equal(["committed"], (await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100)).Changes.Select(c => c.Id.Value));
    }

    /// <summary>
    /// The race a plain sequence loses: transaction X writes first and stays open, Y writes later and
    /// commits first (where the database lets it). A reader in between must not move past X's place;
    /// after X commits, reading on from where it stood returns what it had not read: each change
    /// read exactly once, positions rising.
    /// </summary>
    [ConformanceFact]
    public async Task ChangeFeed_OutOfOrderCommit_ReaderMissesNoChange()
    {
        if (Store.ChangeFeed is not { } feed || Store.Caller is not { } caller)
        {
            return;
        }

        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "before", P1, Clock));
        var position = (await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100)).Next;

        await using var connection = await caller.OpenConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        using (StoreTransaction.Enlist(transaction))
        {
            await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "x-first-written", P1, Clock));
        }

        // On a thread of its own: a writer that waits for the write lock (SQLite) blocks its thread.
        var later = Task.Run(() => Store.Opportunities.AddAsync(NewOpportunity(TenantA, "y-first-committed", P1, Clock)));
        if (!Store.WritersWaitForOpenTransactions)
        {
            await later;
        }

        // Y may already be readable (it committed); X may not, and the reader's position must not pass it.
        var between = await feed.ReadChangesAsync(TenantA, position, 100);
        Assert.DoesNotContain(between.Changes, c => c.Id.Value == "x-first-written");

        await transaction.CommitAsync();
        await later;

        var after = await feed.ReadChangesAsync(TenantA, between.Next, 100);
        var read = between.Changes.Concat(after.Changes).ToList();
        Assert.Equal(["x-first-written", "y-first-committed"], read.Select(c => c.Id.Value).Order(StringComparer.Ordinal));
        Assert.True(read.Zip(read.Skip(1)).All(p => p.First.Position < p.Second.Position), "positions rise");
        Assert.Equal(after.Next, await feed.ReadHeadAsync(TenantA));
    }

    /// <summary>
    /// Several hosts write and save at once while a reader follows the feed; a live pipeline fed by
    /// what the reader saw equals a recompute from the store, to the unit.
    /// </summary>
    [ConformanceFact]
    public async Task ChangeFeed_ConcurrentWritersAndAFollower_LivePipelineEqualsRecompute()
    {
        if (Store.ChangeFeed is not { } feed)
        {
            return;
        }

        var hosts = await OpenHostsAsync(4);
        try
        {
            var live = new LivePipeline(TenantA, Pipelines);
            var position = ChangeFeedPosition.Start;
            using var stop = new CancellationTokenSource();
            var follower = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var batch = await feed.ReadChangesAsync(TenantA, position, 50);
                    foreach (var change in batch.Changes)
                    {
                        live.Apply(change);
                    }

                    position = batch.Next;
                }
            });
            await Task.WhenAll(hosts.Select((host, n) => Task.Run(async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    var o = NewOpportunity(TenantA, $"h{n}-{i}", i % 2 == 0 ? P1 : P2, Clock, 1_000m + (n * 100) + i);
                    await host.Opportunities.AddAsync(o);
                    o.MoveToStage(i % 3 == 0 ? "Negotiation" : "Proposal", "sales", Clock);
                    await host.Opportunities.UpdateAsync(o);
                    if (i % 4 == 0)
                    {
                        o.CloseLost("budget", "sales", Clock);
                        await host.Opportunities.UpdateAsync(o);
                    }
                }
            })));
            await stop.CancelAsync();
            await follower;
            while (await feed.ReadChangesAsync(TenantA, position, 50) is { Changes.Count: > 0 } rest)
            {
                foreach (var change in rest.Changes)
                {
                    live.Apply(change);
                }

                position = rest.Next;
            }

            var recompute = await PipelineSnapshot.FromStoreAsync(Store.Opportunities, AccessScope.Manufacturer(TenantA), new PipelineSnapshotOptions { Pipelines = Pipelines });
            var grouping = PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage);
            using var expected = recompute.Group(grouping);
            Assert.Equal(28, recompute.Count); // 40 deals, 12 closed lost
            using var actual = live.Totals(grouping);
            Assert.Equal(expected.Groups, actual.Groups);
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }
    }
}
