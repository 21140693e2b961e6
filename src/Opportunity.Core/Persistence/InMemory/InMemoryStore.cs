using System.Runtime.CompilerServices;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.InMemory;

/// <summary>
/// Every port in one process-local store: leads, opportunities, partners and the outbox behind one
/// lock, so a save and its outbox messages are one atomic step, exactly as a database adapter
/// does it in one transaction. The default in DI; also the reference the conformance suite
/// compares real adapters against. Aggregates are stored as snapshots, so a caller holding an
/// aggregate never shares state with the store.
/// </summary>
public sealed class InMemoryStore : ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore
{
    private readonly Lock _gate = new();
    private readonly PipelineCatalog _pipelines;
    private readonly SortedDictionary<(string Tenant, string Id), LeadSnapshot> _leads = new();
    private readonly SortedDictionary<(string Tenant, string Id), SalesOpportunitySnapshot> _opportunities = new();
    private readonly SortedDictionary<(string Tenant, string Id), Partner> _partners = new();
    private readonly Dictionary<(string Kind, string Tenant, string Id), Lease> _leases = [];
    private readonly Dictionary<string, OutboxMessage> _outboxPending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _outboxDelivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeadLetter> _deadLetters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lease> _outboxLeases = new(StringComparer.Ordinal);
    private long _outboxOrder;
    private readonly Dictionary<string, long> _outboxSequence = new(StringComparer.Ordinal);

    /// <summary>Creates an empty store that rebuilds opportunities with the definitions of <paramref name="pipelines"/>.</summary>
    public InMemoryStore(PipelineCatalog? pipelines = null)
    {
        _pipelines = pipelines ?? new PipelineCatalog();
    }

    private readonly record struct Lease(string Owner, Instant Until);

    // ---- Leads ----

    /// <inheritdoc />
    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        lock (_gate)
        {
            return Task.FromResult(_leads.TryGetValue(Key(scope.Tenant, id.Value), out var s) && Visible(scope, s)
                ? Lead.FromSnapshot(s)
                : null);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        List<LeadSnapshot> matches;
        lock (_gate)
        {
            matches = [.. _leads.Values.Where(s => Visible(scope, s)
                && (query.States is null || query.States.Contains(s.State))
                && (query.Partner is null || s.AssignedPartner == query.Partner))];
        }

        foreach (var s in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Lead.FromSnapshot(s);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return Write(lead, _leads, v => lead.ToSnapshot() with { Version = v }, s => s.Version);
    }

    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return Write(lead, _leads, v => lead.ToSnapshot() with { Version = v }, s => s.Version);
    }

    /// <inheritdoc />
    Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Lead>>([.. ClaimDue(claim, nameof(Lead), _leads, s => s.NextDueAt).Select(Lead.FromSnapshot)]);

    // ---- Opportunities ----

    /// <inheritdoc />
    public Task<SalesOpportunity?> FindAsync(AccessScope scope, OpportunityId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        lock (_gate)
        {
            return Task.FromResult(_opportunities.TryGetValue(Key(scope.Tenant, id.Value), out var s) && scope.CanSee(s.Tenant, s.Partner)
                ? Rebuild(s)
                : null);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SalesOpportunity> QueryAsync(AccessScope scope, OpportunityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        List<SalesOpportunitySnapshot> matches;
        lock (_gate)
        {
            matches = [.. _opportunities.Values.Where(s => scope.CanSee(s.Tenant, s.Partner)
                && (query.Partner is null || s.Partner == query.Partner))];
        }

        foreach (var s in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var opportunity = Rebuild(s);
            if (query.IsOpen is null || query.IsOpen == !opportunity.IsClosed)
            {
                yield return opportunity;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task AddAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return Write(opportunity, _opportunities, v => opportunity.ToSnapshot() with { Version = v }, s => s.Version);
    }

    /// <inheritdoc />
    public Task UpdateAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return Write(opportunity, _opportunities, v => opportunity.ToSnapshot() with { Version = v }, s => s.Version);
    }

    /// <inheritdoc />
    Task<IReadOnlyList<SalesOpportunity>> IOpportunityStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SalesOpportunity>>([.. ClaimDue(claim, nameof(SalesOpportunity), _opportunities, s => s.NextDueAt).Select(Rebuild)]);

    // ---- Partners ----

    /// <inheritdoc />
    public Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_partners.GetValueOrDefault(Key(tenant, id.Value)));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Partner> ListAsync(TenantId tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<Partner> partners;
        lock (_gate)
        {
            partners = [.. _partners.Values.Where(p => p.Tenant == tenant)];
        }

        foreach (var partner in partners)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return partner;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        lock (_gate)
        {
            _partners[Key(partner.Tenant, partner.Id.Value)] = partner;
        }

        return Task.CompletedTask;
    }

    // ---- Outbox ----

    /// <inheritdoc />
    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_gate)
        {
            EnqueueLocked(messages);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_gate)
        {
            var claimed = _outboxPending.Values
                .Where(m => m.DueAt <= claim.Now && !(_outboxLeases.TryGetValue(m.Id, out var l) && l.Until > claim.Now && l.Owner != claim.Owner))
                .OrderBy(m => m.DueAt).ThenBy(m => _outboxSequence[m.Id])
                .Take(claim.MaxItems)
                .ToList();
            foreach (var m in claimed)
            {
                _outboxLeases[m.Id] = new Lease(claim.Owner, claim.Now + claim.LeaseDuration);
            }

            return Task.FromResult<IReadOnlyList<OutboxMessage>>(claimed);
        }
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(string messageId, string owner, Instant at, IEnumerable<OutboxMessage>? followUps = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!HoldsOutboxLease(messageId, owner))
            {
                return Task.FromResult(false);
            }

            _outboxPending.Remove(messageId);
            _outboxLeases.Remove(messageId);
            _outboxDelivered.Add(messageId);
            EnqueueLocked(followUps ?? []);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!HoldsOutboxLease(messageId, owner))
            {
                return Task.FromResult(false);
            }

            var m = _outboxPending[messageId];
            _outboxPending[messageId] = m with { Attempts = m.Attempts + 1, NextAttemptAt = nextAttemptAt, LastError = error };
            _outboxLeases.Remove(messageId);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!HoldsOutboxLease(messageId, owner))
            {
                return Task.FromResult(false);
            }

            var m = _outboxPending[messageId];
            _outboxPending.Remove(messageId);
            _outboxLeases.Remove(messageId);
            _deadLetters[messageId] = new DeadLetter(m with { Attempts = m.Attempts + 1, LastError = reason }, reason, at);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>([.. _deadLetters.Values
                .Where(d => tenant is null || d.Message.Tenant == tenant)
                .OrderBy(d => d.DeadLetteredAt).ThenBy(d => _outboxSequence[d.Message.Id])]);
        }
    }

    /// <inheritdoc />
    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_deadLetters.Remove(messageId, out var dead))
            {
                return Task.FromResult(false);
            }

            _outboxPending[messageId] = dead.Message with { Attempts = 0, NextAttemptAt = now };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxMessage>>([.. _outboxPending.Values.OrderBy(m => _outboxSequence[m.Id])]);
        }
    }

    // ---- Shared mechanics ----

    private static (string, string) Key(TenantId tenant, string id) => (tenant.Value, id);

    // A partner sees a lead only while it is offered to, accepted by or converted by that partner.
    private static bool Visible(AccessScope scope, LeadSnapshot s) =>
        scope.IsManufacturer
            ? s.Tenant == scope.Tenant
            : scope.CanSee(s.Tenant, s.AssignedPartner) && s.State is LeadState.Assigned or LeadState.Accepted or LeadState.Converted;

    private SalesOpportunity Rebuild(SalesOpportunitySnapshot s) => SalesOpportunity.FromSnapshot(s, _pipelines.Get(s.PipelineId));

    /// <summary>The version check, the state write and the outbox append, under one lock: all or nothing.</summary>
    private Task Write<TSnapshot>(AggregateRoot aggregate, SortedDictionary<(string, string), TSnapshot> table, Func<long, TSnapshot> snapshotAt, Func<TSnapshot, long> versionOf)
    {
        var key = Key(aggregate.Tenant, aggregate.AggregateId);
        var messages = OutboxMessages(aggregate);
        lock (_gate)
        {
            long? stored = table.TryGetValue(key, out var existing) ? versionOf(existing) : null;
            var expected = aggregate.Version == 0 ? (long?)null : aggregate.Version;
            if (stored != expected)
            {
                throw new ConcurrencyException(aggregate.AggregateKind, aggregate.AggregateId, aggregate.Version, stored);
            }

            var next = aggregate.Version + 1;
            table[key] = snapshotAt(next);
            EnqueueLocked(messages);
            aggregate.MarkCommitted(next);
        }

        return Task.CompletedTask;
    }

    private static List<OutboxMessage> OutboxMessages(AggregateRoot aggregate) =>
        [.. aggregate.PendingEvents.Select(e => new OutboxMessage(e.EventId, e.Tenant, OutboxMessage.DomainEventTopic, e.EventType, DomainEventSerializer.Serialize(e), e.OccurredAt))];

    private void EnqueueLocked(IEnumerable<OutboxMessage> messages)
    {
        foreach (var m in messages)
        {
            if (_outboxPending.ContainsKey(m.Id) || _outboxDelivered.Contains(m.Id) || _deadLetters.ContainsKey(m.Id))
            {
                continue;
            }

            _outboxPending[m.Id] = m;
            _outboxSequence[m.Id] = ++_outboxOrder;
        }
    }

    private bool HoldsOutboxLease(string messageId, string owner) =>
        _outboxPending.ContainsKey(messageId) && _outboxLeases.TryGetValue(messageId, out var lease) && lease.Owner == owner;

    private List<TSnapshot> ClaimDue<TSnapshot>(DueWorkClaim claim, string kind, SortedDictionary<(string Tenant, string Id), TSnapshot> table, Func<TSnapshot, Instant?> dueOf)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_gate)
        {
            var due = table
                .Where(kv => dueOf(kv.Value) is { } at && at <= claim.Now
                    && !(_leases.TryGetValue((kind, kv.Key.Tenant, kv.Key.Id), out var l) && l.Until > claim.Now && l.Owner != claim.Owner))
                .OrderBy(kv => dueOf(kv.Value))
                .Take(claim.MaxItems)
                .ToList();
            foreach (var kv in due)
            {
                _leases[(kind, kv.Key.Tenant, kv.Key.Id)] = new Lease(claim.Owner, claim.Now + claim.LeaseDuration);
            }

            return [.. due.Select(kv => kv.Value)];
        }
    }
}
