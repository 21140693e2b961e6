using System.Runtime.CompilerServices;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.InMemory;

/// <summary>
/// Every port in one process-local store: leads, opportunities, partners, the outbox, the routing
/// decision log, forecasts and the change feed behind one lock, so a save and its outbox messages are one atomic step, exactly as a database adapter
/// does it in one transaction. The default in DI; also the reference model the conformance suite
/// compares real adapters against. Aggregates are stored as snapshots, so a caller holding an
/// aggregate never shares state with the store. Due work is found through due-time indexes, so a
/// claim costs in proportion to the due items, not to all stored items; duplicate candidates
/// are found through an index of each lead's <see cref="DuplicateKeys.Normalised"/> keys. Partner load
/// is counted with every lead write, which refuses to take a partner past its capacity
/// (<see cref="PartnerAtCapacityException"/>); a record that cannot be rebuilt is quarantined
/// (<see cref="IRecordQuarantine"/>) rather than failing a claim or a query. A conversion
/// (<see cref="ILeadConversionStore"/>) writes the lead and its opportunity under the lock as one
/// step, and an index of source leads keeps one opportunity per lead.
/// </summary>
public sealed partial class InMemoryStore : ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter, IRecordQuarantine, ILeadConversionStore, IStoreSchema, IFieldHistory
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
    private readonly Dictionary<(string Tenant, string Lead), string> _opportunityBySourceLead = [];
    private readonly Dictionary<(string Kind, string Tenant, string Id), Lease> _leases = [];
    private readonly Dictionary<string, OutboxEntry> _outboxPending = new(StringComparer.Ordinal);
    private readonly SortedSet<(Instant Due, long Sequence)> _outboxDue = [];
    private readonly Dictionary<long, string> _outboxIdBySequence = [];
    private readonly HashSet<string> _outboxDelivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DeadLetter Letter, long Sequence)> _deadLetters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lease> _outboxLeases = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, PartnerId Partner), (int Open, Instant? Last)> _load = [];
    private readonly Dictionary<(StoredRecordKind Kind, string Tenant, string Id), (QuarantinedRecord Record, Instant? Due)> _quarantine = [];
    private readonly IClock? _clock;
    private long _outboxOrder;

    // Without a clock, the latest instant a caller gave the store (a claim's "now") stamps the
    // records a query finds unreadable: the store never reads the wall clock itself.
    private Instant _latestClaimInstant = Instant.MinValue;

    /// <summary>
    /// Creates an empty store that rebuilds opportunities with the definitions of <paramref name="pipelines"/>.
    /// A record a query finds unreadable is stamped with the instant of the latest claim (it has no clock).
    /// </summary>
    public InMemoryStore(PipelineCatalog? pipelines = null)
    {
        _pipelines = pipelines ?? new PipelineCatalog();
    }

    /// <summary>Creates an empty store; <paramref name="clock"/> stamps records a query finds unreadable and quarantines.</summary>
    public InMemoryStore(PipelineCatalog? pipelines, IClock clock)
        : this(pipelines)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
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
                ? RebuildLead(s)
                : null);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        List<Lead> matches;
        lock (_gate)
        {
            matches = ReadableLeads(TenantRows(_leads, scope.Tenant).Where(s => Visible(scope, s)
                && (query.States is null || query.States.Contains(s.State))
                && (query.Partner is null || s.AssignedPartner == query.Partner)));
        }

        foreach (var lead in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return lead;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        List<Lead> matches;
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

            matches = ReadableLeads(ids.Order(CodePointComparer.Instance).Select(id => _leads[Key(scope.Tenant, id)]).Where(s => Visible(scope, s)));
        }

        foreach (var lead in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return lead;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => WriteLead(lead);

    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => WriteLead(lead);

    /// <inheritdoc />
    async Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        (await ((ILeadStore)this).ClaimDueBatchAsync(claim, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    Task<DueWorkBatch<Lead>> ILeadStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult(ClaimDue(claim, StoredRecordKind.Lead, _leads, _leadsDue, RebuildLead));

    /// <inheritdoc />
    public Task<IReadOnlyList<PartnerLoadCount>> ListPartnerLoadAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<PartnerLoadCount>>([.. _load
                .Where(kv => string.Equals(kv.Key.Tenant, tenant.Value, StringComparison.Ordinal))
                .OrderBy(kv => kv.Key.Partner.Value, CodePointComparer.Instance)
                .Select(kv => new PartnerLoadCount(kv.Key.Partner, kv.Value.Open, kv.Value.Last))]);
        }
    }

    /// <summary>
    /// Test hook of the conformance suite: makes the stored lead unreadable, as a document whose state a
    /// newer version wrote would be (an undefined <see cref="LeadState"/>); nothing else changes.
    /// </summary>
    internal void CorruptLead(TenantId tenant, LeadId id)
    {
        lock (_gate)
        {
            var key = Key(tenant, id.Value);
            _leads[key] = _leads[key] with { State = (LeadState)999 };
        }
    }

    private Task WriteLead(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return Write(lead, _leads, _leadsDue, v => lead.ToSnapshot() with { Version = v }, s => s.Version, s => s.NextDueAt, ReindexLead, AdmitLead);
    }

    // Every opportunity write keeps the customer-key index in step (an erasure clears the keys).
    private Task WriteOpportunity(SalesOpportunity opportunity) =>
        Write(opportunity, _opportunities, _opportunitiesDue, v => opportunity.ToSnapshot() with { Version = v }, s => s.Version, s => s.NextDueAt, ReindexOpportunity);

    // The capacity check, under the lock before anything changes: a lead that newly counts toward a
    // partner's open leads must find the partner below its capacity (unknown partner or none: unlimited).
    private void AdmitLead(LeadSnapshot? old, LeadSnapshot next)
    {
        var holder = StoredValues.CapacityHolder(next.State, next.AssignedPartner);
        if (holder is not { } partner || (old is not null && StoredValues.CapacityHolder(old.State, old.AssignedPartner) == partner))
        {
            return;
        }

        var open = _load.GetValueOrDefault((next.Tenant.Value, partner)).Open;
        if (_partners.GetValueOrDefault(Key(next.Tenant, partner.Value))?.Capacity is { } capacity && open >= capacity)
        {
            throw new PartnerAtCapacityException(next.Tenant, partner, next.Id.Value, open, capacity);
        }
    }

    // Called under the lock with the stored snapshot (null when new) and the one replacing it.
    private void ReindexLead(LeadSnapshot? old, LeadSnapshot next)
    {
        var oldHolder = old is null ? null : StoredValues.CapacityHolder(old.State, old.AssignedPartner);
        var newHolder = StoredValues.CapacityHolder(next.State, next.AssignedPartner);
        if (oldHolder != newHolder)
        {
            if (oldHolder is { } released)
            {
                var (open, last) = _load[(next.Tenant.Value, released)];
                _load[(next.Tenant.Value, released)] = (open - 1, last);
            }

            if (newHolder is { } taken)
            {
                var (open, last) = _load.GetValueOrDefault((next.Tenant.Value, taken));
                _load[(next.Tenant.Value, taken)] = (open + 1, next.AssignedAt is { } at && (last is null || at > last) ? at : last);
            }
        }

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
        List<SalesOpportunity> matches;
        lock (_gate)
        {
            matches = Readable(StoredRecordKind.SalesOpportunity, TenantRows(_opportunities, scope.Tenant).Where(s => scope.CanSee(s.Tenant, s.Partner)
                && (query.Partner is null || s.Partner == query.Partner)), s => (s.Tenant, s.Id.Value, s.NextDueAt), Rebuild);
        }

        foreach (var opportunity in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (query.IsOpen is null || query.IsOpen == !opportunity.IsClosed)
            {
                yield return opportunity;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ConflictException">The opportunity names a source lead that another opportunity was converted from (<see cref="OpportunityErrorCodes.LeadAlreadyConverted"/>).</exception>
    public Task AddAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        lock (_gate)
        {
            if (opportunity.SourceLead is { } lead && _opportunityBySourceLead.TryGetValue((opportunity.Tenant.Value, lead.Value), out var existing))
            {
                throw LeadConversionRules.AlreadyConverted(opportunity.Tenant, lead, new OpportunityId(existing));
            }

            AddOpportunityLocked(opportunity);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SalesOpportunity?> FindConvertedFromAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_opportunityBySourceLead.TryGetValue((tenant.Value, lead.Value), out var id) ? Rebuild(_opportunities[Key(tenant, id)]) : null);
        }
    }

    /// <inheritdoc />
    public Task<SalesOpportunity> ConvertAsync(Lead lead, SalesOpportunity opportunity, CancellationToken cancellationToken = default)
    {
        LeadConversionRules.Check(lead, opportunity);
        lock (_gate)
        {
            if (_opportunityBySourceLead.TryGetValue((lead.Tenant.Value, lead.Id.Value), out var existing))
            {
                return Task.FromResult(Rebuild(_opportunities[Key(lead.Tenant, existing)]));
            }

            // Both checks before either write, so a refused conversion changes nothing.
            if (_opportunities.TryGetValue(Key(opportunity.Tenant, opportunity.Id.Value), out var taken))
            {
                throw new ConcurrencyException(opportunity.AggregateKind, opportunity.AggregateId, opportunity.Version, taken.Version);
            }

            long? stored = _leads.TryGetValue(Key(lead.Tenant, lead.Id.Value), out var current) ? current.Version : null;
            if (stored != lead.Version)
            {
                throw new ConcurrencyException(lead.AggregateKind, lead.AggregateId, lead.Version, stored);
            }

            AddOpportunityLocked(opportunity);
            WriteLead(lead);
        }

        return Task.FromResult(opportunity);
    }

    /// <inheritdoc />
    public Task UpdateAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        _ = StoredValues.AmountMinorUnits(opportunity.ToSnapshot()); // the same amount rule as the database adapters
        return WriteOpportunity(opportunity);
    }

    /// <inheritdoc />
    async Task<IReadOnlyList<SalesOpportunity>> IOpportunityStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        (await ((IOpportunityStore)this).ClaimDueBatchAsync(claim, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    Task<DueWorkBatch<SalesOpportunity>> IOpportunityStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult(ClaimDue(claim, StoredRecordKind.SalesOpportunity, _opportunities, _opportunitiesDue, Rebuild));

    // ---- Quarantine ----

    /// <inheritdoc />
    public Task<IReadOnlyList<QuarantinedRecord>> ListQuarantinedAsync(TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<QuarantinedRecord>>([.. _quarantine.Values.Select(q => q.Record)
                .Where(r => tenant is null || r.Tenant == tenant)
                .OrderBy(r => r.QuarantinedAt)
                .ThenBy(r => r.Tenant.Value, CodePointComparer.Instance)
                .ThenBy(r => r.Kind)
                .ThenBy(r => r.Id, CodePointComparer.Instance)]);
        }
    }

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(TenantId tenant, StoredRecordKind kind, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            if (!_quarantine.Remove((kind, tenant.Value, id), out var entry))
            {
                return Task.FromResult(false);
            }

            if (entry.Due is { } due)
            {
                (kind == StoredRecordKind.Lead ? _leadsDue : _opportunitiesDue).Add(new DueEntry(due, tenant.Value, id));
            }

            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default) =>
        ImportAsync(new OpportunityImportBatch { Opportunities = opportunities }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The rows and messages are read and checked first (a throwing enumeration writes nothing);
    /// the conflict check and every write then happen under the store's one lock.
    /// </remarks>
    public Task<ValidationResult<int>> ImportAsync(OpportunityImportBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rows = new List<SalesOpportunitySnapshot>();
        var messages = new List<OutboxMessage>();
        var (errors, count) = OpportunityImportRules.CheckBatch(batch, _pipelines, (row, _) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows.Add(row.Opportunity);
            messages.AddRange(row.Messages);
        });
        OpportunityImportRules.CheckPartners(batch.NewPartners, errors);
        messages.AddRange(batch.Messages);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (errors.Count == 0)
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    if (_opportunities.ContainsKey(Key(rows[i].Tenant, rows[i].Id.Value)))
                    {
                        errors.Add(OpportunityImportRules.AlreadyStored(i, rows[i].Tenant, rows[i].Id));
                    }
                }
            }

            if (errors.Count > 0)
            {
                return Task.FromResult(ValidationResult<int>.Failure(errors));
            }

            foreach (var partner in batch.NewPartners)
            {
                _partners.TryAdd(Key(partner.Tenant, partner.Id.Value), partner);
            }

            foreach (var row in rows)
            {
                var stored = row with { Stage = _pipelines.Get(row.PipelineId).GetStage(row.Stage).Name, Version = 1 };
                var key = Key(row.Tenant, row.Id.Value);
                _opportunities[key] = stored;
                ReindexOpportunity(null, stored);
                AppendChangeLocked(key.Item1, key.Item2);
                if (stored.NextDueAt is { } due)
                {
                    _opportunitiesDue.Add(new DueEntry(due, key.Item1, key.Item2));
                }
            }

            EnqueueLocked(messages);
        }

        foreach (var tenant in rows.Select(r => r.Tenant).Distinct())
        {
            SignalChanged(tenant);
        }

        return Task.FromResult(ValidationResult<int>.Success(count));
    }

    // Called under the lock: the version-checked insert, then the source-lead index.
    private void AddOpportunityLocked(SalesOpportunity opportunity)
    {
        _ = StoredValues.AmountMinorUnits(opportunity.ToSnapshot()); // the same amount rule as the database adapters
        WriteOpportunity(opportunity);
        if (opportunity.SourceLead is { } lead)
        {
            _opportunityBySourceLead[(opportunity.Tenant.Value, lead.Value)] = opportunity.Id.Value;
        }
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
        if (partner.Calendar is not BusinessCalendar)
        {
            throw PartnerDocument.NotStorable(partner); // as the durable stores, which keep only a BusinessCalendar
        }
        lock (_gate)
        {
            PartnerHierarchy.CheckParent(partner.Id, partner.ParentId, id => _partners.TryGetValue(Key(partner.Tenant, id.Value), out var stored) ? (true, stored.ParentId) : (false, null));
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
            _latestClaimInstant = Instant.Max(_latestClaimInstant, claim.Now);
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
    public Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(owner);
        lock (_gate)
        {
            if (!HoldsOutboxLease(messageId, owner))
            {
                return Task.FromResult(false);
            }

            _outboxLeases[messageId] = new Lease(owner, until);
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

    /// <inheritdoc />
    public Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_outboxPending.Count == 0 ? OutboxBacklog.Empty : new OutboxBacklog(_outboxPending.Count, _outboxPending.Values.Min(e => e.Message.CreatedAt)));
        }
    }

    /// <summary>No database, no schema: always current (version 0 of 0).</summary>
    public Task<StoreSchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(new StoreSchemaStatus(0, 0, 0));

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

    private SalesOpportunity Rebuild(SalesOpportunitySnapshot s) =>
        StoredValues.Rebuild(nameof(SalesOpportunity), s.Id.Value, () => SalesOpportunity.FromSnapshot(s, _pipelines.Get(s.PipelineId)));

    // What a database adapter meets as a document naming an unknown state (see CorruptLead).
    private static Lead RebuildLead(LeadSnapshot s) =>
        Enum.IsDefined(s.State)
            ? Lead.FromSnapshot(s)
            : throw new StoreDataException(nameof(Lead), s.Id.Value, "document", $"The stored JSON document cannot be read: unknown lead state '{(int)s.State}'.");

    // Under the lock: the leads that are not quarantined and can be rebuilt; the others are quarantined now.
    private List<Lead> ReadableLeads(IEnumerable<LeadSnapshot> rows) =>
        Readable(StoredRecordKind.Lead, rows, s => (s.Tenant, s.Id.Value, s.NextDueAt), RebuildLead);

    private List<T> Readable<TSnapshot, T>(StoredRecordKind kind, IEnumerable<TSnapshot> rows, Func<TSnapshot, (TenantId Tenant, string Id, Instant? Due)> keyOf, Func<TSnapshot, T> rebuild)
    {
        var readable = new List<T>();
        var bad = new List<(TenantId Tenant, string Id, Instant? Due, string Reason)>();
        foreach (var row in rows)
        {
            var (tenant, id, due) = keyOf(row);
            if (_quarantine.ContainsKey((kind, tenant.Value, id)))
            {
                continue;
            }

            try
            {
                readable.Add(rebuild(row));
            }
            catch (StoreDataException ex)
            {
                bad.Add((tenant, id, due, ex.Message));
            }
        }

        foreach (var (tenant, id, due, reason) in bad)
        {
            Quarantine(kind, tenant, id, due, reason, _clock?.GetCurrentInstant() ?? _latestClaimInstant);
        }

        return readable;
    }

    // Under the lock: sets a record aside, out of the due index, remembering its due time for the release.
    private void Quarantine(StoredRecordKind kind, TenantId tenant, string id, Instant? due, string reason, Instant at)
    {
        if (due is { } d)
        {
            (kind == StoredRecordKind.Lead ? _leadsDue : _opportunitiesDue).Remove(new DueEntry(d, tenant.Value, id));
        }

        _leases.Remove((kind.ToString(), tenant.Value, id));
        _quarantine.TryAdd((kind, tenant.Value, id), (new QuarantinedRecord(tenant, kind, id, reason, at), due));
    }

    /// <summary>The version check, the state write, the due index and the outbox append, under one lock: all or nothing.</summary>
    private Task Write<TSnapshot>(
        AggregateRoot aggregate,
        SortedDictionary<(string, string), TSnapshot> table,
        SortedSet<DueEntry> dueIndex,
        Func<long, TSnapshot> snapshotAt,
        Func<TSnapshot, long> versionOf,
        Func<TSnapshot, Instant?> dueOf,
        Action<TSnapshot?, TSnapshot>? reindex = null,
        Action<TSnapshot?, TSnapshot>? admit = null)
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
            admit?.Invoke(exists ? existing : default, snapshot);
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
            if (ReferenceEquals(table, _opportunities))
            {
                AppendChangeLocked(key.Item1, key.Item2);
            }

            EnqueueLocked(messages);
            AppendHistoryLocked(aggregate);
            aggregate.MarkCommitted(next);
        }

        if (ReferenceEquals(table, _opportunities))
        {
            SignalChanged(aggregate.Tenant);
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
    // An item that cannot be rebuilt is quarantined instead of leased, in the same step.
    private DueWorkBatch<T> ClaimDue<TSnapshot, T>(DueWorkClaim claim, StoredRecordKind kind, SortedDictionary<(string Tenant, string Id), TSnapshot> table, SortedSet<DueEntry> dueIndex, Func<TSnapshot, T> rebuild)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_gate)
        {
            _latestClaimInstant = Instant.Max(_latestClaimInstant, claim.Now);
            var due = new List<DueEntry>();
            foreach (var entry in dueIndex)
            {
                if (entry.Due > claim.Now || due.Count == claim.MaxItems)
                {
                    break;
                }

                if (!LeasedByOther(_leases.GetValueOrDefault((kind.ToString(), entry.Tenant, entry.Id)), claim))
                {
                    due.Add(entry);
                }
            }

            var items = new List<T>();
            var quarantined = new List<QuarantinedRecord>();
            foreach (var entry in due)
            {
                try
                {
                    items.Add(rebuild(table[(entry.Tenant, entry.Id)]));
                    _leases[(kind.ToString(), entry.Tenant, entry.Id)] = new Lease(claim.Owner, claim.Now + claim.LeaseDuration);
                }
                catch (StoreDataException ex)
                {
                    Quarantine(kind, new TenantId(entry.Tenant), entry.Id, entry.Due, ex.Message, claim.Now);
                    quarantined.Add(_quarantine[(kind, entry.Tenant, entry.Id)].Record);
                }
            }

            return new DueWorkBatch<T>(items, quarantined);
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
