using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// The default <see cref="IPartnerLoadProvider"/>: counts open leads (Assigned or Accepted) and the
/// latest assignment per partner from the <see cref="ILeadStore"/>, keeps the count current with the
/// workflow's own changes, and recounts after <see cref="LeadDistributionOptions.LoadRefreshInterval"/>
/// (so changes made by other hosts show up within that interval: capacity is a soft limit).
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
        var open = new Dictionary<PartnerId, int>();
        var last = new Dictionary<PartnerId, Instant>();
        await foreach (var lead in _leads.QueryAsync(AccessScope.Manufacturer(tenant), LeadQuery.All, cancellationToken).ConfigureAwait(false))
        {
            if (lead.AssignedPartner is not { } partner)
            {
                continue;
            }

            if (lead.State is LeadState.Assigned or LeadState.Accepted)
            {
                open[partner] = open.GetValueOrDefault(partner) + 1;
            }

            if (lead.AssignedAt is { } at && (!last.TryGetValue(partner, out var seen) || at > seen))
            {
                last[partner] = at;
            }
        }

        var table = new PartnerLoadTable();
        foreach (var partner in open.Keys.Union(last.Keys))
        {
            table.Set(partner, open.GetValueOrDefault(partner), last.TryGetValue(partner, out var at) ? at : null);
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
