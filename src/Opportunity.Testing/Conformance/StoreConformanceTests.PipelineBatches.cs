using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// The batches (<see cref="IPipelineRowSource.ReadPipelineRowBatchesAsync"/>) hold exactly the rows
    /// of the row stream, none of them empty, for the manufacturer and a partner of one tenant and
    /// another tenant, open only and with closed-won deals; and the snapshot the builder adds from them
    /// equals the one built from the same deals in memory. Enough deals for several batches of the
    /// first tenant's manufacturer scope.
    /// </summary>
    [ConformanceFact]
    public async Task PipelineBatches_SameRowsAsRowStream_SnapshotEqualsOpportunities()
    {
        if (Store.PipelineRows is not { } source)
        {
            return;
        }

        var deals = PipelineDeals(seed: 7, count: 1_500);
        await StorePipelineDealsAsync(deals, importAll: true);
        AccessScope[] scopes = [AccessScope.Manufacturer(TenantA), AccessScope.ForPartner(TenantA, P1), AccessScope.Manufacturer(TenantB)];
        foreach (var scope in scopes)
        {
            foreach (var includeWon in new[] { false, true })
            {
                var context = $"{scope.Tenant}/{scope.Partner} won={includeWon}";
                var rows = new List<string>();
                await foreach (var row in source.ReadPipelineRowsAsync(scope, includeWon))
                {
                    rows.Add(RowText(row));
                }

                var batched = new List<string>();
                var batches = 0;
                await foreach (var batch in source.ReadPipelineRowBatchesAsync(scope, includeWon))
                {
                    Assert.False(batch.IsEmpty, $"empty batch: {context}");
                    batches++;
                    foreach (var row in batch.Span)
                    {
                        batched.Add(RowText(row));
                    }
                }

                rows.Sort(StringComparer.Ordinal);
                batched.Sort(StringComparer.Ordinal);
                Assert.True(rows.SequenceEqual(batched), $"batches differ from rows: {context}");
                Assert.True(scope != scopes[0] || batches > 1, $"one batch for {rows.Count} rows: {context}");

                var options = new PipelineSnapshotOptions { IncludeClosedWon = includeWon, Pipelines = Pipelines, MaxDegreeOfParallelism = 1 };
                var builder = new PipelineSnapshotBuilder(options);
                Assert.Equal(rows.Count, await builder.AddAsync(source, scope));
                var visible = deals.Where(d => d.Tenant == scope.Tenant && (scope.Partner is null || d.Partner == scope.Partner));
                var expected = PipelineSnapshot.FromOpportunities(visible, options);
                var built = builder.Build();
                Assert.Equal(expected.Count, built.Count);
                foreach (var grouping in new[] { PipelineGrouping.Total, PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage), PipelineGrouping.By(PipelineDimension.Product, PipelineDimension.CloseMonth) })
                {
                    using var want = expected.Group(grouping);
                    using var got = built.Group(grouping);
                    Assert.True(want.Groups.SequenceEqual(got.Groups), $"snapshot from batches differs: {context} {grouping}");
                }
            }
        }
    }

    /// <summary>A consumer that stops after the first batch gives the store's readers back: the next read is whole.</summary>
    [ConformanceFact]
    public async Task PipelineBatches_ConsumerStopsAfterFirstBatch_NextReadIsWhole()
    {
        if (Store.PipelineRows is not { } source)
        {
            return;
        }

        var deals = PipelineDeals(seed: 8, count: 1_500);
        await StorePipelineDealsAsync(deals, importAll: true);
        var scope = AccessScope.Manufacturer(TenantA);
        var first = 0;
        await foreach (var batch in source.ReadPipelineRowBatchesAsync(scope, includeClosedWon: false))
        {
            first = batch.Length;
            break;
        }

        Assert.InRange(first, 1, deals.Count - 1);
        var builder = new PipelineSnapshotBuilder(new PipelineSnapshotOptions { Pipelines = Pipelines });
        Assert.Equal(deals.Count(d => d.Tenant == TenantA && d.Stage.Kind == StageKind.Open), await builder.AddAsync(source, scope));
    }

    /// <summary>
    /// A cancelled read throws <see cref="OperationCanceledException"/>: at once when the token is
    /// cancelled before the first batch, and before the enumeration ends when it is cancelled after the first.
    /// </summary>
    [ConformanceFact]
    public async Task PipelineBatches_Cancelled_ThrowsOperationCanceled()
    {
        if (Store.PipelineRows is not { } source)
        {
            return;
        }

        await StorePipelineDealsAsync(PipelineDeals(seed: 9, count: 1_500), importAll: true);
        var scope = AccessScope.Manufacturer(TenantA);
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            var builder = new PipelineSnapshotBuilder(new PipelineSnapshotOptions { Pipelines = Pipelines });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => builder.AddAsync(source, scope, cancelled.Token));
        }

        using var stop = new CancellationTokenSource();
        var batches = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in source.ReadPipelineRowBatchesAsync(scope, includeClosedWon: false, stop.Token))
            {
                if (++batches == 1)
                {
                    await stop.CancelAsync();
                }
            }
        });
        Assert.True(batches >= 1);
    }

    /// <summary>A row as text, its products included (the record compares those by reference).</summary>
    private static string RowText(StoredPipelineRow row) =>
        $"{row with { Products = null }}|{string.Join(",", (row.Products ?? []).Select(p => $"{p.Product}:{p.AmountMinorUnits}"))}";
}
