using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore : IPersonalDataEraser
{
    /// <inheritdoc />
    /// <remarks>
    /// Under the store's one lock: checks every erased record's version first (so a stale one changes
    /// nothing), writes them, then replaces the values in the tenant's other state — lead and opportunity
    /// snapshots (through their JSON text, version raised so a stale writer cannot put a value back),
    /// pending outbox messages, dead letters, routing decisions, field history, quarantine reasons and the
    /// node, author and reason of forecast adjustments.
    /// Delivered messages are kept as ids only, so nothing of theirs is left to erase.
    /// </remarks>
    public Task<int> EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        if (erasure.Leads.Concat<AggregateRoot>(erasure.Opportunities).FirstOrDefault(a => a.Tenant != erasure.Tenant) is { } other)
        {
            throw new ArgumentException($"{other.AggregateKind} '{other.AggregateId}' belongs to tenant '{other.Tenant}', not '{erasure.Tenant}'.", nameof(erasure));
        }

        var forms = ErasedText.Forms(erasure.Values);
        var tenant = erasure.Tenant.Value;
        int scrubbed;
        lock (_gate)
        {
            CheckVersion(_leads, erasure.Leads, s => s.Version);
            CheckVersion(_opportunities, erasure.Opportunities, s => s.Version);
            foreach (var lead in erasure.Leads)
            {
                WriteLead(lead);
            }

            foreach (var opportunity in erasure.Opportunities)
            {
                WriteOpportunity(opportunity);
            }

            scrubbed = forms.Count == 0 ? 0 : ScrubLocked(tenant, forms);
        }

        if (erasure.Opportunities.Count > 0 || scrubbed > 0)
        {
            SignalChanged(erasure.Tenant);
        }

        return Task.FromResult(scrubbed);
    }

    private static void CheckVersion<TSnapshot>(SortedDictionary<(string Tenant, string Id), TSnapshot> table, IEnumerable<AggregateRoot> records, Func<TSnapshot, long> versionOf)
    {
        foreach (var record in records)
        {
            long? stored = table.TryGetValue(Key(record.Tenant, record.AggregateId), out var s) ? versionOf(s) : null;
            if (stored != record.Version)
            {
                throw new ConcurrencyException(record.AggregateKind, record.AggregateId, record.Version, stored);
            }
        }
    }

    private int ScrubLocked(string tenant, IReadOnlyList<string> forms)
    {
        var count = 0;
        string? Scrub(string? text)
        {
            var result = ErasedText.Scrub(text, forms);
            if (!ReferenceEquals(result, text))
            {
                count++;
            }

            return result;
        }

        foreach (var (key, lead) in _leads.Where(e => e.Key.Tenant == tenant).ToList())
        {
            var json = SnapshotJson.Serialize(lead);
            if (Scrub(json) is { } text && !ReferenceEquals(text, json))
            {
                var next = SnapshotJson.DeserializeLead(text) with { Version = lead.Version + 1 };
                ReindexLead(lead, next);
                _leads[key] = next;
            }
        }

        foreach (var (key, opportunity) in _opportunities.Where(e => e.Key.Tenant == tenant).ToList())
        {
            var json = SnapshotJson.Serialize(opportunity);
            if (Scrub(json) is { } text && !ReferenceEquals(text, json))
            {
                var next = SnapshotJson.DeserializeOpportunity(text) with { Version = opportunity.Version + 1 };
                ReindexOpportunity(opportunity, next);
                _opportunities[key] = next;
                AppendChangeLocked(key.Tenant, key.Id);
            }
        }

        foreach (var (id, entry) in _outboxPending.Where(e => e.Value.Message.Tenant.Value == tenant).ToList())
        {
            var (payload, error) = (Scrub(entry.Message.Payload)!, Scrub(entry.Message.LastError));
            _outboxPending[id] = entry with { Message = entry.Message with { Payload = payload, LastError = error } };
        }

        foreach (var (id, (letter, sequence)) in _deadLetters.Where(e => e.Value.Letter.Message.Tenant.Value == tenant).ToList())
        {
            var message = letter.Message with { Payload = Scrub(letter.Message.Payload)!, LastError = Scrub(letter.Message.LastError) };
            _deadLetters[id] = (letter with { Message = message, Reason = Scrub(letter.Reason)! }, sequence);
        }

        foreach (var (key, decisions) in _decisions.Where(e => e.Key.Tenant == tenant))
        {
            for (var i = 0; i < decisions.Count; i++)
            {
                decisions[i] = decisions[i] with { Explanation = Scrub(decisions[i].Explanation)!, UnroutableReason = Scrub(decisions[i].UnroutableReason) };
            }
        }

        foreach (var (key, changes) in _history.Where(e => e.Key.Tenant == tenant))
        {
            for (var i = 0; i < changes.Count; i++)
            {
                changes[i] = changes[i] with { Previous = Scrub(changes[i].Previous), Current = Scrub(changes[i].Current) };
            }
        }

        foreach (var (key, (record, due)) in _quarantine.Where(e => e.Key.Tenant == tenant).ToList())
        {
            _quarantine[key] = (record with { Reason = Scrub(record.Reason)! }, due);
        }

        // A manager's adjustment is append-only for its writers, but its free text (who, why) may name the customer.
        for (var i = 0; i < _adjustments.Count; i++)
        {
            var (owner, a) = _adjustments[i];
            if (owner == tenant && (ErasedText.Scrub(a.Node, forms), ErasedText.Scrub(a.By, forms), ErasedText.Scrub(a.Reason, forms)) is var (node, by, why)
                && !(ReferenceEquals(node, a.Node) && ReferenceEquals(by, a.By) && ReferenceEquals(why, a.Reason)))
            {
                _adjustments[i] = (owner, new Forecasting.ForecastAdjustment(node!, a.Period, a.Category, a.Amount, by!, a.At, why!));
                count++;
            }
        }

        return count;
    }
}
