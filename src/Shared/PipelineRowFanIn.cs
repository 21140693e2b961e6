using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Opportunity.Persistence;

/// <summary>
/// Several readers of a pipeline row stream — one per disjoint range of partners, each on a
/// connection of its own and a thread-pool thread — merged into one stream of batches for the
/// snapshot builder (<see cref="IPipelineRowSource.ReadPipelineRowBatchesAsync"/>). A reader hands
/// its rows over in batches (<see cref="PipelineRowSink"/>), the consumer gets them as they are, and
/// the batches' arrays go back to their reader when the consumer moves on, so the hand-over
/// allocates nothing per row.
/// The first failure of a reader stops the others and is thrown to the consumer as it was thrown;
/// a consumer that stops early stops the readers. One reader is run the same way: its reading and
/// parsing then overlap the consumer's work on another core. Compiled into each SQL adapter (a
/// linked source file): not public API.
/// </summary>
internal static class PipelineRowFanIn
{
    /// <summary>Rows per batch: about 40 KB of rows, below the large object heap's 85 KB.</summary>
    internal const int BatchRows = 448;

    /// <summary>Batches a reader may have in flight before it waits for the consumer.</summary>
    private const int BatchesPerReader = 4;

    /// <summary>The rows of a stream of batches, one by one (the adapters' <see cref="IPipelineRowSource.ReadPipelineRowsAsync"/> over their batches).</summary>
    public static async IAsyncEnumerable<StoredPipelineRow> Rows(IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> batches, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Length; i++)
            {
                yield return batch.Span[i];
            }
        }
    }

    /// <summary>
    /// The rows of every reader in batches, each reader's in its own order, the readers' batches
    /// interleaved; a batch is valid until the consumer moves on, then goes back to its reader. A
    /// reader is given a sink to add rows to and the cancellation token; it returns when its range is read.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadAsync(IReadOnlyList<Func<PipelineRowSink, CancellationToken, Task>> readers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var full = Channel.CreateUnbounded<PipelineRowBatch>(new UnboundedChannelOptions { SingleReader = true });
        ExceptionDispatchInfo? failure = null;
        var running = readers.Count;
        var tasks = new Task[readers.Count];
        for (var i = 0; i < readers.Count; i++)
        {
            var reader = readers[i];
            tasks[i] = Task.Run(
                async () =>
                {
                    var sink = new PipelineRowSink(full.Writer, BatchesPerReader);
                    try
                    {
                        await reader(sink, stop.Token).ConfigureAwait(false);
                        await sink.FlushAsync(stop.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException && stop.IsCancellationRequested))
                    {
                        Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(ex), null);
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopped because another reader failed or the consumer stopped.
                    }
                    finally
                    {
                        if (Interlocked.Decrement(ref running) == 0)
                        {
                            full.Writer.TryComplete();
                        }
                    }
                },
                CancellationToken.None);
        }

        try
        {
            while (await full.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (full.Reader.TryRead(out var batch))
                {
                    yield return batch.Rows.AsMemory(0, batch.Count);
                    batch.Return();
                }

                if (Volatile.Read(ref failure) is not null)
                {
                    break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>One reader's side of <see cref="PipelineRowFanIn"/>: rows are added to a batch, full batches go to the consumer.</summary>
internal sealed class PipelineRowSink
{
    private readonly ChannelWriter<PipelineRowBatch> _full;
    private readonly Channel<PipelineRowBatch> _free;
    private PipelineRowBatch _batch;

    internal PipelineRowSink(ChannelWriter<PipelineRowBatch> full, int batches)
    {
        _full = full;
        _free = Channel.CreateBounded<PipelineRowBatch>(batches);
        for (var i = 1; i < batches; i++)
        {
            _free.Writer.TryWrite(new PipelineRowBatch(_free.Writer));
        }

        _batch = new PipelineRowBatch(_free.Writer);
    }

    /// <summary>Adds a row; true when the batch is full and <see cref="FlushAsync"/> must be awaited before the next row.</summary>
    public bool Add(in StoredPipelineRow row)
    {
        _batch.Rows[_batch.Count++] = row;
        return _batch.Count == PipelineRowFanIn.BatchRows;
    }

    /// <summary>Hands the rows added so far to the consumer and waits for a free batch to fill next.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count == 0)
        {
            return;
        }

        await _full.WriteAsync(_batch, cancellationToken).ConfigureAwait(false);
        _batch = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Rows handed over at once; returned to its reader's free batches when read.</summary>
internal sealed class PipelineRowBatch(ChannelWriter<PipelineRowBatch> free)
{
    public StoredPipelineRow[] Rows { get; } = new StoredPipelineRow[PipelineRowFanIn.BatchRows];

    public int Count { get; set; }

    /// <summary>Back to the reader's free batches; the rows are overwritten by the next ones (not cleared: the batches live as long as one read).</summary>
    public void Return()
    {
        Count = 0;
        free.TryWrite(this);
    }
}
