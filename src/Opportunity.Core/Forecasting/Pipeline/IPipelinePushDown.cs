namespace Opportunity.Forecasting;

/// <summary>
/// Optional: a store that computes grouped weighted-pipeline totals where the data lives. The
/// answer is, exactly to the unit, <c>(await PipelineSnapshot.FromStoreAsync(store, scope, options)).Group(grouping).Groups</c>
/// — the same deals (open; closed-won with <see cref="PipelineSnapshotOptions.IncludeClosedWon"/>;
/// never closed-lost), the same close date (the expected close, or for a closed deal the day it
/// closed in <see cref="PipelineSnapshotOptions.ReportingZone"/>), the same labels and order. Build the
/// answer with <see cref="PipelineGroupCollector"/>; the conformance suite compares it with the snapshot.
/// </summary>
public interface IPipelinePushDown
{
    /// <summary>The exact totals of the deals visible in <paramref name="scope"/>, grouped as asked, per currency, in display order.</summary>
    /// <exception cref="InputValidationException">The options are invalid.</exception>
    Task<IReadOnlyList<PipelineGroupTotal>> AggregatePipelineAsync(AccessScope scope, PipelineGrouping grouping, PipelineSnapshotOptions? options = null, CancellationToken cancellationToken = default);
}
