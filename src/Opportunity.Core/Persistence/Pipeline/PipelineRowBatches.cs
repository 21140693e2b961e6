using System.Runtime.CompilerServices;

namespace Opportunity.Persistence;

/// <summary>The default batching of <see cref="IPipelineRowSource.ReadPipelineRowBatchesAsync"/>: a row stream collected into one reused buffer.</summary>
internal static class PipelineRowBatches
{
    /// <summary>Rows per batch: about 40 KB of rows, below the large object heap's 85 KB.</summary>
    internal const int Rows = 448;

    public static async IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> Of(IAsyncEnumerable<StoredPipelineRow> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new StoredPipelineRow[Rows];
        var count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            buffer[count++] = row;
            if (count == buffer.Length)
            {
                yield return buffer;
                count = 0;
            }
        }

        if (count > 0)
        {
            yield return buffer.AsMemory(0, count);
        }
    }
}
