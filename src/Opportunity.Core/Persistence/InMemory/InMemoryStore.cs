using System.Runtime.CompilerServices;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Persistence.InMemory;

/// <summary>
/// Every port in one process-local store: leads, opportunities, partners and the outbox behind one
/// lock, so a save and its outbox messages are one atomic step, exactly as a database adapter
/// does it in one transaction. The default in DI; also the reference model the conformance suite
/// compares real adapters against. Aggregates are stored as snapshots, so a caller holding an
/// aggregate never shares state with the store. Due work is found through due-time indexes, so a
/// claim costs in proportion to the due items, not to all stored items; duplicate candidates
/// are found through an index of each lead's <see cref="DuplicateKeys.Normalised"/> keys.
/// </summary>
public sealed partial class InMemoryStore : ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter
{
    private static readonly KeyComparer Keys = new();

    private readonly Lock _gate = new();
    private readonly PipelineCatalog _pipelines;
    private readonly SortedDictionary<(string Tenant, string Id), LeadSnapshot> _leads = new(Keys);
    private readonly SortedDictionary<(string Tenant, string Id), SalesOpportunitySnapshot> _opportunities = new(Keys);
    private readonly SortedDictionary<(string Tenant, string Id), Partner> _partners = new(Keys);
    private readonly SortedSet<DueEntry> _leadsDue = new(DueEntry.Comparer);
    private readonly SortedSet<DueEntry> _opportunitiesDue = new(DueEntry.Comparer);
    private readonly Dictionary<(string Tenant, DuplicateKeyKind Kind, string Key), HashSet<string>> _leadsByKey = [];
    private readonly Dictionary<(string Kind, string Tenant, string Id), Lease> _leases = [];
    private readonly Dictionary<string, OutboxEntry> _outboxPending = new(StringComparer.Ordinal);
    private readonly SortedSet<(Instant Due, long Sequence)> _outboxDue = [];
    private readonly Dictionary<long, string> _outboxIdBySequence = [];
    private readonly HashSet<string> _outboxDelivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DeadLetter Letter, long Sequence)> _deadLetters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lease> _outboxLeases = new(StringComparer.Ordinal);
    private long _outboxOrder;

    /// <summary>Creates an empty store that rebuilds opportunities with the definitions of <paramref name="pipelines"/>.</summary>
    public InMemoryStore(PipelineCatalog? pipelines = null)
    {
        _pipelines = pipelines ?? new PipelineCatalog();
    }

    private readonly record struct Lease(string Owner, Instant Until);

    private readonly record struct OutboxEntry(OutboxMessage Message, long Sequence);

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
            matches = [.. TenantRows(_leads, scope.Tenant).Where(s => Visible(scope, s)
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
    public async IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        List<LeadSnapshot> matches;
        lock (_gate)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (kind, key) in IndexEntries(keys))
            {
                if (_leadsByKey.TryGetValue((scope.Tenant.Value, kind, key), out var posting))
                {
                    ids.UnionWith(posting);
                }
            }

            matches = [.. ids.Order(CodePointComparer.Instance).Select(id => _leads[Key(scope.Tenant, id)]).Where(s => Visible(scope, s))];
        }

        foreach (var s in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Lead.FromSnapshot(s);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => WriteLead(lead);

    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => WriteLead(lead);

    /// <inheritdoc />
    Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Lead>>([.. ClaimDue(claim, nameof(Lead), _leads, _leadsDue).Select(Lead.FromSnapshot)]);

    private Task WriteLead(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return Write(lead, _leads, _leadsDue, v => lead.ToSnapshot() with { Version = v }, s => s.Version, s => s.NextDueAt, ReindexLead);
    }

    // Called under the lock with the stored snapshot (null when new) and the one replacing it.
    private void ReindexLead(LeadSnapshot? old, LeadSnapshot next)
    {
        var id = next.Id.Value;
        if (old is not null)
        {
            foreach (var (kind, key) in IndexEntries(DuplicateKeys.Normalised(old.Details)))
            {
                var entry = (old.Tenant.Value, kind, key);
                if (_leadsByKey.TryGetValue(entry, out var posting) && posting.Remove(id) && posting.Count == 0)
                {
                    _leadsByKey.Remove(entry);
                }
            }
        }

        foreach (var (kind, key) in IndexEntries(DuplicateKeys.Normalised(next.Details)))
        {
            var entry = (next.Tenant.Value, kind, key);
            if (!_leadsByKey.TryGetValue(entry, out var posting))
            {
                _leadsByKey[entry] = posting = new HashSet<string>(StringComparer.Ordinal);
            }

            posting.Add(id);
        }
    }

    private static IEnumerable<(DuplicateKeyKind Kind, string Key)> IndexEntries(DuplicateKeys keys)
    {
        if (keys.Company is { } company)
        {
            yield return (DuplicateKeyKind.Company, company);
        }

        if (keys.EmailDomain is { } domain)
        {
            yield return (DuplicateKeyKind.EmailDomain, domain);
        }

        if (keys.Phone is { } phone)
        {
            yield return (DuplicateKeyKind.Phone, phone);
        }
    }

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
            matches = [.. TenantRows(_opportunities, scope.Tenant).Where(s => scope.CanSee(s.Tenant, s.Partner)
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
        return Write(opportunity, _opportunities, _opportunitiesDue, v => opportunity.ToSnapshot() with { Version = v }, s => s.Version, s => s.NextDueAt);
    }

    /// <inheritdoc />
    public Task UpdateAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return Write(opportunity, _opportunities, _opportunitiesDue, v => opportunity.ToSnapshot() with { Version = v }, s => s.Version, s => s.NextDueAt);
    }

    /// <inheritdoc />
    Task<IReadOnlyList<SalesOpportunity>> IOpportunityStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SalesOpportunity>>([.. ClaimDue(claim, nameof(SalesOpportunity), _opportunities, _opportunitiesDue).Select(Rebuild)]);

    /// <inheritdoc />
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        var rows = new List<SalesOpportunitySnapshot>();
        var (errors, count) = OpportunityImportRules.CheckBatch(opportunities, _pipelines, (row, _) => rows.Add(row));
        lock (_gate)
        {
            if (errors.Count == 0)
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    if (_opportunities.ContainsKey(Key(rows[i].Tenant, rows[i].Id.Value)))
                    {
                        OpportunityImportRules.Add(errors, OpportunityImportRules.AlreadyStored(i, rows[i].Tenant, rows[i].Id));
                    }
                }
            }

            if (errors.Count > 0)
            {
                return Task.FromResult(ValidationResult<int>.Failure(errors));
            }

            foreach (var row in rows)
            {
                var stored = row with { Stage = _pipelines.Get(row.PipelineId).GetStage(row.Stage).Name, Version = 1 };
                var key = Key(row.Tenant, row.Id.Value);
                _opportunities[key] = stored;
                if (stored.NextDueAt is { } due)
                {
                    _opportunitiesDue.Add(new DueEntry(due, key.Item1, key.Item2));
                }
            }
        }

        return Task.FromResult(ValidationResult<int>.Success(count));
    }

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
            partners = [.. TenantRows(_partners, tenant)];
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
            var claimed = new List<OutboxMessage>();
            foreach (var (due, sequence) in _outboxDue)
            {
                if (due > claim.Now || claimed.Count == claim.MaxItems)
                {
                    break;
                }

                var id = _outboxIdBySequence[sequence];
                if (!LeasedByOther(_outboxLeases.GetValueOrDefault(id), claim))
                {
                    claimed.Add(_outboxPending[id].Message);
                }
            }

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

            RemovePending(messageId);
            _outboxDelivered.Add(messageId);
            _outboxDeliveredAt[messageId] = at;
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

            var entry = RemovePending(messageId);
            var m = entry.Message;
            AddPending(m with { Attempts = m.Attempts + 1, NextAttemptAt = nextAttemptAt, LastError = error }, entry.Sequence);
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

            var entry = RemovePending(messageId);
            var m = entry.Message;
            _deadLetters[messageId] = (new DeadLetter(m with { Attempts = m.Attempts + 1, LastError = reason }, reason, at), entry.Sequence);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>([.. _deadLetters.Values
                .Where(d => tenant is null || d.Letter.Message.Tenant == tenant)
                .OrderBy(d => d.Letter.DeadLetteredAt).ThenBy(d => d.Sequence)
                .Select(d => d.Letter)]);
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

            AddPending(dead.Letter.Message with { Attempts = 0, NextAttemptAt = now }, dead.Sequence);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxMessage>>([.. _outboxPending.Values.OrderBy(e => e.Sequence).Select(e => e.Message)]);
        }
    }

    // ---- Shared mechanics ----

    private static (string, string) Key(TenantId tenant, string id) => (tenant.Value, id);

    // The rows of one tenant, in id order: a range of the (tenant, id)-sorted table.
    private static IEnumerable<T> TenantRows<T>(SortedDictionary<(string Tenant, string Id), T> table, TenantId tenant) =>
        table.Where(kv => string.Equals(kv.Key.Tenant, tenant.Value, StringComparison.Ordinal)).Select(kv => kv.Value);

    // A partner sees a lead only while it is offered to, accepted by or converted by that partner.
    private static bool Visible(AccessScope scope, LeadSnapshot s) =>
        scope.IsManufacturer
            ? s.Tenant == scope.Tenant
            : scope.CanSee(s.Tenant, s.AssignedPartner) && s.State is LeadState.Assigned or LeadState.Accepted or LeadState.Converted;

    private static bool LeasedByOther(Lease lease, DueWorkClaim claim) =>
        lease.Owner is not null && lease.Until > claim.Now && !string.Equals(lease.Owner, claim.Owner, StringComparison.Ordinal);

    private SalesOpportunity Rebuild(SalesOpportunitySnapshot s) => SalesOpportunity.FromSnapshot(s, _pipelines.Get(s.PipelineId));

    /// <summary>The version check, the state write, the due index and the outbox append, under one lock: all or nothing.</summary>
    private Task Write<TSnapshot>(
        AggregateRoot aggregate,
        SortedDictionary<(string, string), TSnapshot> table,
        SortedSet<DueEntry> dueIndex,
        Func<long, TSnapshot> snapshotAt,
        Func<TSnapshot, long> versionOf,
        Func<TSnapshot, Instant?> dueOf,
        Action<TSnapshot?, TSnapshot>? reindex = null)
    {
        var key = Key(aggregate.Tenant, aggregate.AggregateId);
        var messages = OutboxMessages(aggregate);
        lock (_gate)
        {
            var exists = table.TryGetValue(key, out var existing);
            long? stored = exists ? versionOf(existing!) : null;
            var expected = aggregate.Version == 0 ? (long?)null : aggregate.Version;
            if (stored != expected)
            {
                throw new ConcurrencyException(aggregate.AggregateKind, aggregate.AggregateId, aggregate.Version, stored);
            }

            var next = aggregate.Version + 1;
            var snapshot = snapshotAt(next);
            if (exists && dueOf(existing!) is { } oldDue)
            {
                dueIndex.Remove(new DueEntry(oldDue, key.Item1, key.Item2));
            }

            if (dueOf(snapshot) is { } newDue)
            {
                dueIndex.Add(new DueEntry(newDue, key.Item1, key.Item2));
            }

            reindex?.Invoke(exists ? existing : default, snapshot);
            table[key] = snapshot;
            EnqueueLocked(messages);
            aggregate.MarkCommitted(next);
        }

        return Task.CompletedTask;
    }

    private static List<OutboxMessage> OutboxMessages(AggregateRoot aggregate) =>
        [.. aggregate.PendingEvents.Select(OutboxMessage.FromDomainEvent)];

    private void EnqueueLocked(IEnumerable<OutboxMessage> messages)
    {
        foreach (var m in messages)
        {
            if (_outboxPending.ContainsKey(m.Id) || _outboxDelivered.Contains(m.Id) || _deadLetters.ContainsKey(m.Id))
            {
                continue;
            }

            AddPending(m, ++_outboxOrder);
        }
    }

    private void AddPending(OutboxMessage message, long sequence)
    {
        _outboxPending[message.Id] = new OutboxEntry(message, sequence);
        _outboxDue.Add((message.DueAt, sequence));
        _outboxIdBySequence[sequence] = message.Id;
    }

    private OutboxEntry RemovePending(string messageId)
    {
        _outboxPending.Remove(messageId, out var entry);
        _outboxDue.Remove((entry.Message.DueAt, entry.Sequence));
        _outboxIdBySequence.Remove(entry.Sequence);
        _outboxLeases.Remove(messageId);
        return entry;
    }

    private bool HoldsOutboxLease(string messageId, string owner) =>
        _outboxPending.ContainsKey(messageId) && _outboxLeases.TryGetValue(messageId, out var lease) && lease.Owner == owner;

    // Walks the due index from the oldest due time and stops at the first item not yet due:
    // the cost is proportional to the due items (plus those leased by others), not to the table.
    private List<TSnapshot> ClaimDue<TSnapshot>(DueWorkClaim claim, string kind, SortedDictionary<(string Tenant, string Id), TSnapshot> table, SortedSet<DueEntry> dueIndex)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_gate)
        {
            var due = new List<DueEntry>();
            foreach (var entry in dueIndex)
            {
                if (entry.Due > claim.Now || due.Count == claim.MaxItems)
                {
                    break;
                }

                if (!LeasedByOther(_leases.GetValueOrDefault((kind, entry.Tenant, entry.Id)), claim))
                {
                    due.Add(entry);
                }
            }

            foreach (var entry in due)
            {
                _leases[(kind, entry.Tenant, entry.Id)] = new Lease(claim.Owner, claim.Now + claim.LeaseDuration);
            }

            return [.. due.Select(e => table[(e.Tenant, e.Id)])];
        }
    }

    /// <summary>One due item in a due-time index: ordered by due time, then tenant, then id.</summary>
    private readonly record struct DueEntry(Instant Due, string Tenant, string Id)
    {
        public static IComparer<DueEntry> Comparer { get; } = Comparer<DueEntry>.Create((a, b) =>
        {
            var c = a.Due.CompareTo(b.Due);
            return c != 0 ? c : Keys.Compare((a.Tenant, a.Id), (b.Tenant, b.Id));
        });
    }

    private enum DuplicateKeyKind
    {
        Company,
        EmailDomain,
        Phone,
    }

    /// <summary>(tenant, id) in code-point order, matching the byte order SQL stores use.</summary>
    private sealed class KeyComparer : IComparer<(string Tenant, string Id)>
    {
        public int Compare((string Tenant, string Id) x, (string Tenant, string Id) y)
        {
            var c = CodePointComparer.Instance.Compare(x.Tenant, y.Tenant);
            return c != 0 ? c : CodePointComparer.Instance.Compare(x.Id, y.Id);
        }
    }
}
