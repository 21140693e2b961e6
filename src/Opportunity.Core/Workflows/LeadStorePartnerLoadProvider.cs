using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// The default <see cref="IPartnerLoadProvider"/>: reads open leads (Assigned or Accepted) and the
/// latest assignment per partner from the store's counters (<see cref="ILeadStore.ListPartnerLoadAsync"/>,
/// one row per partner with leads), keeps them current with the workflow's own changes, and reads them
/// again after <see cref="LeadDistributionOptions.LoadRefreshInterval"/>. The load only steers routing
/// (capacity filter, load balancing, round robin): the capacity limit itself is enforced by the store
/// with each lead write, so a load that is seconds old, or misses another host's assignments, can cost
/// a re-route but never a partner over its capacity.
/// </summary>
public sealed class LeadStorePartnerLoadProvider : IPartnerLoadProvider
{
    private readonly ILeadStore _leads;
    private readonly ExpiringTenantCache<LockedLoad> _cache;

    /// <summary>Creates the provider.</summary>
    public LeadStorePartnerLoadProvider(ILeadStore leads, IClock clock, IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _cache = new(clock, () => options.Value.LoadRefreshInterval);
    }

    /// <inheritdoc />
    public async ValueTask<IPartnerLoad> GetAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        await _cache.GetAsync(tenant, CountAsync, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public void RecordAssignment(TenantId tenant, PartnerId partner, Instant at)
    {
        if (_cache.TryPeek(tenant, out var load))
        {
            load.Change(t => t.RecordAssignment(partner, at));
        }
    }

    /// <inheritdoc />
    public void RecordRelease(TenantId tenant, PartnerId partner)
    {
        if (_cache.TryPeek(tenant, out var load))
        {
            load.Change(t => t.RecordRelease(partner));
        }
    }

    private async ValueTask<LockedLoad> CountAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        // The store's per-partner counters: one row per partner with leads, not a read of every lead.
        var table = new PartnerLoadTable();
        foreach (var count in await _leads.ListPartnerLoadAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            table.Set(count.Partner, count.OpenLeads, count.LastAssignedAt);
        }

        return new LockedLoad(table);
    }

    /// <summary>A load table that several threads may read and change.</summary>
    private sealed class LockedLoad(PartnerLoadTable table) : IPartnerLoad
    {
        private readonly Lock _gate = new();

        public int OpenLeads(PartnerId partner)
        {
            lock (_gate)
            {
                return table.OpenLeads(partner);
            }
        }

        public Instant? LastAssignedAt(PartnerId partner)
        {
            lock (_gate)
            {
                return table.LastAssignedAt(partner);
            }
        }

        public void Change(Action<PartnerLoadTable> change)
        {
            lock (_gate)
            {
                change(table);
            }
        }
    }
}
