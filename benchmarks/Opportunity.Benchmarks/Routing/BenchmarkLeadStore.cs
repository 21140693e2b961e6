using System.Runtime.CompilerServices;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Benchmarks.Routing;

/// <summary>
/// A minimal lead store with a due-time index (a sorted set of (due, id)), standing in for what the
/// persistence adapters do, so ProcessDueAsync can be measured on its own: claim cost is
/// proportional to the claimed items, not to all leads.
/// </summary>
internal sealed class BenchmarkLeadStore : ILeadStore, IOpportunityStore, IPartnerDirectory
{
    private readonly Dictionary<LeadId, LeadSnapshot> _leads = [];
    private readonly SortedSet<(Instant Due, LeadId Id)> _due = [];
    private readonly Dictionary<LeadId, (string Owner, Instant Until)> _leases = [];
    private readonly Dictionary<PartnerId, Partner> _partners = [];

    public long OutboxMessages { get; private set; }

    public void Put(LeadSnapshot snapshot)
    {
        if (_leads.TryGetValue(snapshot.Id, out var old) && old.NextDueAt is { } was)
        {
            _due.Remove((was, old.Id));
        }

        _leads[snapshot.Id] = snapshot;
        if (snapshot.NextDueAt is { } due)
        {
            _due.Add((due, snapshot.Id));
        }

        _leases.Remove(snapshot.Id);
    }

    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_leads.TryGetValue(id, out var s) ? Lead.FromSnapshot(s) : null);

    public async IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        foreach (var s in _leads.Values)
        {
            yield return Lead.FromSnapshot(s);
        }
    }

    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => Save(lead);

    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => Save(lead);

    public Task<IReadOnlyList<Lead>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default)
    {
        var claimed = new List<Lead>(claim.MaxItems);
        foreach (var (due, id) in _due)
        {
            if (due > claim.Now || claimed.Count == claim.MaxItems)
            {
                break;
            }

            if (_leases.TryGetValue(id, out var lease) && lease.Until > claim.Now && lease.Owner != claim.Owner)
            {
                continue;
            }

            _leases[id] = (claim.Owner, claim.Now + claim.LeaseDuration);
            claimed.Add(Lead.FromSnapshot(_leads[id]));
        }

        return Task.FromResult<IReadOnlyList<Lead>>(claimed);
    }

    private Task Save(Lead lead)
    {
        long? stored = _leads.TryGetValue(lead.Id, out var existing) ? existing.Version : null;
        if (stored != (lead.Version == 0 ? null : lead.Version))
        {
            throw new ConcurrencyException(nameof(Lead), lead.Id.Value, lead.Version, stored);
        }

        foreach (var e in lead.PendingEvents)
        {
            _ = DomainEventSerializer.Serialize(e); // what a real outbox write costs
            OutboxMessages++;
        }

        var next = lead.Version + 1;
        Put(lead.ToSnapshot() with { Version = next });
        lead.MarkCommitted(next);
        return Task.CompletedTask;
    }

    // Opportunities: none in this benchmark.
    Task<SalesOpportunity?> IOpportunityStore.FindAsync(AccessScope scope, OpportunityId id, CancellationToken cancellationToken) => Task.FromResult<SalesOpportunity?>(null);

    IAsyncEnumerable<SalesOpportunity> IOpportunityStore.QueryAsync(AccessScope scope, OpportunityQuery query, CancellationToken cancellationToken) => AsyncEnumerable.Empty<SalesOpportunity>();

    Task IOpportunityStore.AddAsync(SalesOpportunity opportunity, CancellationToken cancellationToken) => throw new NotSupportedException();

    Task IOpportunityStore.UpdateAsync(SalesOpportunity opportunity, CancellationToken cancellationToken) => throw new NotSupportedException();

    Task<IReadOnlyList<SalesOpportunity>> IOpportunityStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SalesOpportunity>>([]);

    // Partners.
    public Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default) => Task.FromResult(_partners.GetValueOrDefault(id));

    public IAsyncEnumerable<Partner> ListAsync(TenantId tenant, CancellationToken cancellationToken = default) => _partners.Values.ToAsyncEnumerable();

    public Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default)
    {
        _partners[partner.Id] = partner;
        return Task.CompletedTask;
    }
}
