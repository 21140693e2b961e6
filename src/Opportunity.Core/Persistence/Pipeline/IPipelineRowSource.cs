namespace Opportunity.Persistence;

/// <summary>
/// A store that streams the weighted pipeline's rows straight from its columns, which
/// <see cref="Forecasting.PipelineSnapshot.FromStoreAsync"/> prefers over reading whole
/// opportunities. Every adapter of this library implements it; the conformance suite checks that
/// the snapshot built from it equals the one built from the opportunities.
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
}
