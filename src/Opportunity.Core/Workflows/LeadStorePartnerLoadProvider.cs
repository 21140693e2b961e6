using System.Collections.Concurrent;
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
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;
    private readonly ConcurrentDictionary<TenantId, (LockedLoad Load, Instant CountedAt)> _cache = new();

    /// <summary>Creates the provider.</summary>
    public LeadStorePartnerLoadProvider(ILeadStore leads, IClock clock, IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _clock = clock;
        _options = options;
    }

    /// <inheritdoc />
    public async ValueTask<IPartnerLoad> GetAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetCurrentInstant();
        if (_cache.TryGetValue(tenant, out var cached) && now - cached.CountedAt < _options.Value.LoadRefreshInterval && now >= cached.CountedAt)
        {
            return cached.Load;
        }

        var table = new PartnerLoadTable();
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

        foreach (var partner in open.Keys.Union(last.Keys))
        {
            table.Set(partner, open.GetValueOrDefault(partner), last.TryGetValue(partner, out var at) ? at : null);
        }

        var load = new LockedLoad(table);
        _cache[tenant] = (load, now);
        return load;
    }

    /// <inheritdoc />
    public void RecordAssignment(TenantId tenant, PartnerId partner, Instant at)
    {
        if (_cache.TryGetValue(tenant, out var cached))
        {
            cached.Load.Change(t => t.RecordAssignment(partner, at));
        }
    }

    /// <inheritdoc />
    public void RecordRelease(TenantId tenant, PartnerId partner)
    {
        if (_cache.TryGetValue(tenant, out var cached))
        {
            cached.Load.Change(t => t.RecordRelease(partner));
        }
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
