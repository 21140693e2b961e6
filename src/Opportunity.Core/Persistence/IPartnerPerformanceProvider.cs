using Opportunity.Routing;

namespace Opportunity.Persistence;

/// <summary>Supplies partner performance for performance-based routing. The default supplies none (every partner scores the network default).</summary>
public interface IPartnerPerformanceProvider
{
    /// <summary>The performance table of <paramref name="tenant"/>'s partners.</summary>
    ValueTask<PartnerPerformanceTable> GetAsync(TenantId tenant, CancellationToken cancellationToken = default);
}
