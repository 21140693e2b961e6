using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.Hierarchy.HierarchyTestData;

namespace Opportunity.Core.Tests.Forecasting.Hierarchy;

public sealed class InnerNodeSumsTests
{
    [Fact]
    public void New_ManyNodes_ChunksOfWholeNodesUnderTheLargeObjectThreshold()
    {
        var sums = new InnerNodeSums(2_500, 15);

        Assert.True(sums.NodesPerChunk < 2_500);
        Assert.All(sums.Amount, chunk => Assert.True(chunk.Length * 16 < 85_000));
        Assert.Equal(2_500 * 15, sums.Count.Sum(chunk => chunk.Length));
        Assert.All(sums.Count, chunk => Assert.Equal(0, chunk.Length % 15));
    }

    [Fact]
    public void AddTo_NodeInALaterChunk_AddsEveryCellToTheParentsSameCell()
    {
        var sums = new InnerNodeSums(2_500, 15);
        var node = 2_499;
        var (chunk, offset) = (sums.Chunk(node), sums.Offset(node));
        for (var cell = 0; cell < 15; cell++)
        {
            sums.Count[chunk][offset + cell] = cell + 1;
            sums.Amount[chunk][offset + cell] = Int128.MaxValue / 4 + cell;
            sums.Weighted[chunk][offset + cell] = -cell;
        }

        sums.AddTo(node, 0);
        sums.AddTo(node, 0);

        Assert.NotEqual(sums.Chunk(0), chunk);
        for (var cell = 0; cell < 15; cell++)
        {
            Assert.Equal(2 * (cell + 1), sums.Count[0][cell]);
            Assert.Equal(2 * ((Int128.MaxValue / 4) + cell), sums.Amount[0][cell]);
            Assert.Equal(-2 * cell, sums.Weighted[0][cell]);
        }
    }

    [Fact]
    public void Compute_MoreInnerNodesThanOneChunkHolds_EveryNodeIsItsChildrensSumAndTheRootThePeriods()
    {
        // 1,500 channel managers, one currency: 1,501 inner nodes against 1,000 per chunk.
        var random = new Random(1_500);
        var partners = Enumerable.Range(1, 3_000).Select(i => Partner($"P{i}", $"cm{i % 1_500}@acme.example")).ToList();
        var rows = Enumerable.Range(0, 9_000).Select(_ => Row(
            $"P{random.Next(1, 3_001)}",
            random.Next(0, 1_000_000) / 100m,
            (ForecastCategory)random.Next(5),
            null,
            random.Next(0, 10_001),
            month: random.Next(1, 7))).ToList();
        var pipeline = PipelineSnapshot.FromRows(rows);
        var tree = new ForecastHierarchy([ForecastHierarchyLevel.ChannelManager], partners);

        var rollup = ForecastHierarchyRollup.Compute(pipeline, tree, Q1, CurrencyCode.EUR);

        Assert.True(new InnerNodeSums(1_501, 5).Count.Length > 1);
        foreach (var path in rollup.Paths)
        {
            var node = rollup[path];
            if (node.Children.Count == 0)
            {
                continue;
            }

            var children = node.Children.Select(c => rollup[c]).ToList();
            foreach (var category in Enum.GetValues<ForecastCategory>())
            {
                Assert.Equal(children.Sum(c => c.Categories[(int)category].Count), node.Categories[(int)category].Count);
                Assert.Equal(children.Sum(c => c.Categories[(int)category].Amount.Amount), node.Categories[(int)category].Amount.Amount);
            }
        }

        var period = ForecastRollup.Compute(pipeline, Q1, CurrencyCode.EUR);
        Assert.Equal(period.Categories, rollup[rollup.Root].Categories);
    }
}
