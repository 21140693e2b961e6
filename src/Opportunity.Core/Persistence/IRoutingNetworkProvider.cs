using Opportunity.Routing;

namespace Opportunity.Persistence;

/// <summary>Supplies the indexed partner network of a tenant for routing.</summary>
public interface IRoutingNetworkProvider
{
    /// <summary>The network of <paramref name="tenant"/> (possibly cached).</summary>
    ValueTask<RoutingNetwork> GetAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Drops any cached network of <paramref name="tenant"/>, e.g. after partners changed.</summary>
    void Invalidate(TenantId tenant);
}
