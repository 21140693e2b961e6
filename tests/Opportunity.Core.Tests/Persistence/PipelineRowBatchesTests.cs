using System.Runtime.CompilerServices;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Persistence;

/// <summary>
/// The default batching of <see cref="IPipelineRowSource.ReadPipelineRowBatchesAsync"/> (a source that
/// implements only the row stream): every row once, in order, in full batches and a last partial one;
/// a failure of the row stream reaches the builder as it was thrown.
/// </summary>
public sealed class PipelineRowBatchesTests
{
    private static readonly AccessScope Scope = AccessScope.Manufacturer(new TenantId("acme"));

    [Fact]
    public async Task DefaultBatches_RowsOfTheStreamInOrder_FullBatchesThenTheRest()
    {
        IPipelineRowSource source = new RowSource(1_000, failAfter: null);
        var lengths = new List<int>();
        var amounts = new List<long>();
        await foreach (var batch in source.ReadPipelineRowBatchesAsync(Scope, includeClosedWon: false))
        {
            lengths.Add(batch.Length);
            foreach (var row in batch.Span)
            {
                amounts.Add(row.AmountMinorUnits);
            }
        }

        Assert.Equal([448, 448, 104], lengths);
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (long)i), amounts);
    }

    [Fact]
    public async Task DefaultBatches_BuilderAddsEveryRow_SameSnapshotAsFromRows()
    {
        var source = new RowSource(1_000, failAfter: null);
        var builder = new PipelineSnapshotBuilder();

        Assert.Equal(1_000, await builder.AddAsync(source, Scope));

        using var total = builder.Build().Total();
        var group = Assert.Single(total.Groups);
        Assert.Equal(1_000L, group.Count);
        Assert.Equal((Int128)(999L * 1_000 / 2), group.AmountMinorUnits);
    }

    [Fact]
    public async Task DefaultBatches_RowStreamFailsInTheSecondBatch_BuilderThrowsThatException()
    {
        var source = new RowSource(1_000, failAfter: 600);
        var builder = new PipelineSnapshotBuilder();

        var error = await Assert.ThrowsAsync<StoreDataException>(() => builder.AddAsync(source, Scope));

        Assert.Equal("deal-600", error.EntityId);
    }

    [Fact]
    public async Task DefaultBatches_CancelledBeforeTheFirst_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var builder = new PipelineSnapshotBuilder();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => builder.AddAsync(new RowSource(1_000, failAfter: null), Scope, cancelled.Token));
    }

    /// <summary>Open rows with amounts 0, 1, 2, …; throws a <see cref="StoreDataException"/> at row <c>failAfter</c> when given.</summary>
    private sealed class RowSource(int count, int? failAfter) : IPipelineRowSource
    {
        public async IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                if (i == failAfter)
                {
                    throw new StoreDataException(nameof(SalesOpportunity), $"deal-{i}", "Amount", "Out of range.");
                }

                yield return new StoredPipelineRow(new PartnerId($"P{i % 7}"), "Proposal", StageKind.Open, i, CurrencyCode.EUR, Probability.FromPercent(50), ForecastCategory.Pipeline, new LocalDate(2025, 6, 1), null);
            }
        }
    }
}
