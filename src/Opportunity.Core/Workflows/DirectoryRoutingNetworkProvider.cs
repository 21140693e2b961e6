using System.Collections.Concurrent;
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
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;
    private readonly ConcurrentDictionary<TenantId, (RoutingNetwork Network, Instant BuiltAt)> _cache = new();

    /// <summary>Creates the provider.</summary>
    public DirectoryRoutingNetworkProvider(IPartnerDirectory directory, IClock clock, IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _directory = directory;
        _clock = clock;
        _options = options;
    }

    /// <inheritdoc />
    public async ValueTask<RoutingNetwork> GetAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetCurrentInstant();
        if (_cache.TryGetValue(tenant, out var cached) && now - cached.BuiltAt < _options.Value.NetworkRefreshInterval && now >= cached.BuiltAt)
        {
            return cached.Network;
        }

        var partners = new List<Partners.Partner>();
        await foreach (var partner in _directory.ListAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            partners.Add(partner);
        }

        var network = RoutingNetwork.Build(partners);
        _cache[tenant] = (network, now);
        return network;
    }

    /// <inheritdoc />
    public void Invalidate(TenantId tenant) => _cache.TryRemove(tenant, out _);
}
