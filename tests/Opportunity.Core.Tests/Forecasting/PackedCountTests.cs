using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Opportunity.Forecasting;
using static Opportunity.Core.Tests.Forecasting.ForecastingTestData;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class PackedCountTests
{
    [Property(MaxTest = 300)]
    public Property PackedCount_AChunkOfRowsAtTheLargestAmount_NeverOverflowsAndUnpacksExactly(PositiveInt bits, NonNegativeInt below)
    {
        // The worst case for any amount width: every row of a full chunk at the largest amount.
        var maxAmount = Math.Max(1, Math.Min(ExactMathLimit, (1L << (1 + (bits.Get % 50))) - 1 - below.Get));
        var safe = (int)PipelineAggregator.SafeRows(maxAmount);
        var packing = new PackedCount(maxAmount, safe);
        var rows = packing.ChunkRows;

        var cell = (Int128)rows * (maxAmount + packing.Unit);

        Assert.InRange(rows, 1, safe);
        Assert.True(cell <= long.MaxValue, $"a chunk of {rows} rows of {maxAmount} overflows the cell");
        Assert.Equal(rows, packing.Count((long)cell));
        Assert.Equal((long)rows * maxAmount, packing.Amount((long)cell));

        return true.ToProperty();
    }
}
