namespace Opportunity.Forecasting;

/// <summary>
/// A run of rows of <see cref="PipelineSnapshotBuilder"/>'s columns. The builder adds chunks instead
/// of growing one array per column, so a load of unknown size never copies what it holds (doubling
/// copied every row about once and allocated twice the columns); <see cref="PipelineSnapshotBuilder.Build"/>
/// moves the rows into the snapshot's columns anyway.
/// </summary>
internal sealed class PipelineBuilderChunk(int rows)
{
    public readonly int[] Partner = new int[rows];
    public readonly long[] Amount = new long[rows];
    public readonly ushort[] BasisPoints = new ushort[rows];
    public readonly byte[] Stage = new byte[rows];
    public readonly byte[] Category = new byte[rows];
    public readonly byte[] Currency = new byte[rows];
    public readonly short[] Month = new short[rows];
    public readonly ushort[] Region = new ushort[rows];
    public readonly ushort[] Product = new ushort[rows];

    /// <summary>Rows added to this chunk.</summary>
    public int Count;

    /// <summary>Rows it holds room for.</summary>
    public int Capacity => Amount.Length;
}
