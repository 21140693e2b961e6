using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// The default <see cref="IRoutingNetworkProvider"/>: builds the network from the
/// <see cref="IPartnerDirectory"/> and reuses it for <see cref="LeadDistributionOptions.NetworkRefreshInterval"/>.
/// </summary>
public sealed class DirectoryRoutingNetworkProvider : IRoutingNetworkProvider
{
    private readonly IPartnerDirectory _directory;
    private readonly ExpiringTenantCache<RoutingNetwork> _cache;

    /// <summary>Creates the provider.</summary>
    public DirectoryRoutingNetworkProvider(IPartnerDirectory directory, IClock clock, IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        _directory = directory;
        _cache = new(clock, () => options.Value.NetworkRefreshInterval);
    }

    /// <inheritdoc />
    public ValueTask<RoutingNetwork> GetAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        _cache.GetAsync(tenant, BuildAsync, cancellationToken);

    /// <inheritdoc />
    public void Invalidate(TenantId tenant) => _cache.Invalidate(tenant);

    private async ValueTask<RoutingNetwork> BuildAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var partners = new List<Partners.Partner>();
        await foreach (var partner in _directory.ListAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            partners.Add(partner);
        }

        return RoutingNetwork.Build(partners);
    }
}
