using System.Runtime.CompilerServices;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.InMemory;

// The customer keys of opportunities, indexed like the leads' duplicate keys: a posting list of
// opportunity ids per (tenant, kind, key), kept with every opportunity write.
public sealed partial class InMemoryStore
{
    private readonly Dictionary<(string Tenant, DuplicateKeyKind Kind, string Key), HashSet<string>> _opportunitiesByKey = [];

    /// <inheritdoc />
    public async IAsyncEnumerable<SalesOpportunity> FindByCustomerKeysAsync(AccessScope scope, DuplicateKeys keys, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        List<SalesOpportunity> matches;
        lock (_gate)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (kind, key) in IndexEntries(keys))
            {
                if (_opportunitiesByKey.TryGetValue((scope.Tenant.Value, kind, key), out var posting))
                {
                    ids.UnionWith(posting);
                }
            }

            matches = Readable(
                StoredRecordKind.SalesOpportunity,
                ids.Order(CodePointComparer.Instance).Select(id => _opportunities[Key(scope.Tenant, id)]).Where(s => scope.CanSee(s.Tenant, s.Partner)),
                s => (s.Tenant, s.Id.Value, s.NextDueAt),
                Rebuild);
        }

        foreach (var opportunity in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return opportunity;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    // Called under the lock with the stored snapshot (null when new) and the one replacing it.
    private void ReindexOpportunity(SalesOpportunitySnapshot? old, SalesOpportunitySnapshot next)
    {
        var id = next.Id.Value;
        if (old?.CustomerKeys is { } oldKeys)
        {
            foreach (var (kind, key) in IndexEntries(oldKeys))
            {
                var entry = (old.Tenant.Value, kind, key);
                if (_opportunitiesByKey.TryGetValue(entry, out var posting) && posting.Remove(id) && posting.Count == 0)
                {
                    _opportunitiesByKey.Remove(entry);
                }
            }
        }

        foreach (var (kind, key) in next.CustomerKeys is { } keys ? IndexEntries(keys) : [])
        {
            var entry = (next.Tenant.Value, kind, key);
            if (!_opportunitiesByKey.TryGetValue(entry, out var posting))
            {
                _opportunitiesByKey[entry] = posting = new HashSet<string>(StringComparer.Ordinal);
            }

            posting.Add(id);
        }
    }
}
