namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore
{
    // Append-only per record, under the store's one lock, written with the record's state.
    private readonly Dictionary<(string Tenant, string Kind, string Id), List<FieldChange>> _history = [];

    /// <inheritdoc />
    public Task<FieldHistoryPage> ReadHistoryAsync(TenantId tenant, AuditedRecord record, FieldHistoryCursor? after = null, int maxChanges = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChanges);
        lock (_gate)
        {
            if (!_history.TryGetValue((tenant.Value, record.Kind, record.Id), out var changes))
            {
                return Task.FromResult(new FieldHistoryPage([], null));
            }

            var rest = after is { } cursor ? changes.Where(c => c.Sequence > cursor.Sequence || (c.Sequence == cursor.Sequence && c.Field > cursor.Field)) : changes;
            var page = rest.Take(maxChanges + 1).ToList();
            return Task.FromResult(page.Count > maxChanges
                ? new FieldHistoryPage(page[..maxChanges], page[maxChanges - 1].Cursor)
                : new FieldHistoryPage(page, null));
        }
    }

    private void AppendHistoryLocked(AggregateRoot aggregate)
    {
        if (aggregate.PendingFieldChanges.Count == 0)
        {
            return;
        }

        var key = (aggregate.Tenant.Value, aggregate.AggregateKind, aggregate.AggregateId);
        if (!_history.TryGetValue(key, out var list))
        {
            _history[key] = list = [];
        }

        list.AddRange(aggregate.PendingFieldChanges);
    }
}
