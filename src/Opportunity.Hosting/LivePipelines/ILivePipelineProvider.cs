using Opportunity.Forecasting;
using Opportunity.Persistence;

namespace Opportunity.Hosting;

/// <summary>
/// The live weighted-pipeline totals this host keeps per tenant (<see cref="LivePipelineHostedService"/>),
/// equal to a recompute from the store (<see cref="PipelineSnapshot.FromStoreAsync"/>) as of
/// <see cref="Position"/>: every host following the same store's change feed shows the same totals
/// once it has read the same changes. Thread-safe.
/// </summary>
public interface ILivePipelineProvider
{
    /// <summary>
    /// A copy of the current totals of <paramref name="grouping"/> (partner × stage, close quarter ×
    /// forecast category, or the total); null while the tenant's pipeline is still loading. Dispose it.
    /// </summary>
    /// <exception cref="ArgumentException">The tenant is not followed by this host, or the grouping is not kept.</exception>
    PipelineTotals? Totals(TenantId tenant, PipelineGrouping grouping);

    /// <summary>The feed position the tenant's totals reflect; null while it is still loading.</summary>
    /// <exception cref="ArgumentException">The tenant is not followed by this host.</exception>
    ChangeFeedPosition? Position(TenantId tenant);

    /// <summary>Completes when the tenant's totals reflect the feed up to <paramref name="position"/> (e.g. the store's head after a write).</summary>
    /// <exception cref="ArgumentException">The tenant is not followed by this host.</exception>
    Task WaitForPositionAsync(TenantId tenant, ChangeFeedPosition position, CancellationToken cancellationToken = default);
}
