namespace Opportunity.Persistence;

/// <summary>
/// A store that streams the weighted pipeline's rows straight from its columns, which
/// <see cref="Forecasting.PipelineSnapshot.FromStoreAsync"/> prefers over reading whole
/// opportunities. Every adapter of this library implements it; the conformance suite checks that
/// the snapshot built from it equals the one built from the opportunities, row by row and in batches.
/// </summary>
public interface IPipelineRowSource
{
    /// <summary>
    /// The open deals visible in <paramref name="scope"/> (a partner sees only its own), and the
    /// closed-won ones when <paramref name="includeClosedWon"/> is set; never closed-lost deals. No
    /// order is promised.
    /// </summary>
    /// <exception cref="StoreDataException">A stored amount is outside 0..<see cref="Money.MaxDealMinorUnits"/> minor units (written before 0.2.0); names the deal and the field <c>Amount</c>.</exception>
    IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default);

    /// <summary>
    /// The rows of <see cref="ReadPipelineRowsAsync"/> handed over in batches, for a consumer that
    /// works through them in a synchronous loop (<see cref="Forecasting.PipelineSnapshotBuilder.AddAsync"/>):
    /// no await and no row copy per row. A batch is never empty and is valid only until the next
    /// move of the enumerator (the store may reuse its memory); copy out what must outlive that. By
    /// default the row stream is collected into one reused buffer; an adapter that reads in batches
    /// anyway (the SQL adapters' readers do) overrides it to hand those over as they are.
    /// </summary>
    /// <exception cref="StoreDataException">As <see cref="ReadPipelineRowsAsync"/>.</exception>
    IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadPipelineRowBatchesAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) =>
        PipelineRowBatches.Of(ReadPipelineRowsAsync(scope, includeClosedWon, cancellationToken), cancellationToken);
}
