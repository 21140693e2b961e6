namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore : IChangeFeed, IChangeFeedSignal
{
    // Per tenant, the ids of changed opportunities in the order they were written, with their
    // sequence; written under the store's one lock, so the order is the commit order.
    private readonly Dictionary<string, List<(long Sequence, string Id)>> _feed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _feedTrimmed = new(StringComparer.Ordinal);
    private readonly List<Action<TenantId?>> _feedListeners = [];
    private long _feedSequence;

    /// <inheritdoc />
    public Task<ChangeFeedBatch> ReadChangesAsync(TenantId tenant, ChangeFeedPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var changes = new List<OpportunityChange>();
        var resync = false;
        lock (_gate)
        {
            resync = _feedTrimmed.TryGetValue(tenant.Value, out var trimmed) && after.Sequence < trimmed;
            if (_feed.TryGetValue(tenant.Value, out var entries))
            {
                // Sequences grow, so the first entry after the position is found by binary search.
                var start = entries.BinarySearch((after.Sequence + 1, string.Empty), FeedOrder.Instance);
                for (var i = start < 0 ? ~start : start; i < entries.Count && changes.Count < maxCount; i++)
                {
                    var (sequence, id) = entries[i];
                    changes.Add(CurrentChange(tenant, new ChangeFeedPosition(0, sequence), id));
                }
            }
        }

        return Task.FromResult(new ChangeFeedBatch(changes, changes.Count == 0 ? after : changes[^1].Position) { ResyncRequired = resync });
    }

    /// <inheritdoc />
    public Task<int> TrimAsync(TenantId tenant, ChangeFeedPosition upTo, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_feed.TryGetValue(tenant.Value, out var entries))
            {
                return Task.FromResult(0);
            }

            // Entries before upTo, the newest always kept.
            var end = entries.BinarySearch((upTo.Sequence, string.Empty), FeedOrder.Instance);
            var removed = Math.Min(end < 0 ? ~end : end, entries.Count - 1);
            if (removed <= 0)
            {
                return Task.FromResult(0);
            }

            _feedTrimmed[tenant.Value] = Math.Max(_feedTrimmed.GetValueOrDefault(tenant.Value), entries[removed - 1].Sequence);
            entries.RemoveRange(0, removed);
            return Task.FromResult(removed);
        }
    }

    /// <inheritdoc />
    public Task<ChangeFeedPosition> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_feed.TryGetValue(tenant.Value, out var entries) && entries.Count > 0
                ? new ChangeFeedPosition(0, entries[^1].Sequence)
                : ChangeFeedPosition.Start);
        }
    }

    /// <inheritdoc />
    public Task<IAsyncDisposable> SubscribeAsync(Action<TenantId?> changed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_feedListeners)
        {
            _feedListeners.Add(changed);
        }

        return Task.FromResult<IAsyncDisposable>(new FeedSubscription(this, changed));
    }

    /// <summary>Called under the lock after an opportunity of <paramref name="tenant"/> was written.</summary>
    private void AppendChangeLocked(string tenant, string id)
    {
        if (!_feed.TryGetValue(tenant, out var entries))
        {
            _feed[tenant] = entries = [];
        }

        entries.Add((++_feedSequence, id));
    }

    /// <summary>Called after the lock is released: the write is visible to readers now.</summary>
    private void SignalChanged(TenantId tenant)
    {
        Action<TenantId?>[] listeners;
        lock (_feedListeners)
        {
            listeners = [.. _feedListeners];
        }

        foreach (var listener in listeners)
        {
            listener(tenant);
        }
    }

    private OpportunityChange CurrentChange(TenantId tenant, ChangeFeedPosition position, string id)
    {
        var stored = _opportunities[Key(tenant, id)];
        StoredPipelineRow? row = null;
        if (!_quarantine.ContainsKey((StoredRecordKind.SalesOpportunity, tenant.Value, id)))
        {
            try
            {
                row = StoredPipelineRow.Of(Rebuild(stored));
            }
            catch (StoreDataException)
            {
                // Unreadable: the pipeline leaves it out, as a query does.
            }
        }

        return new OpportunityChange(position, stored.Id, stored.Version, row);
    }

    private sealed class FeedOrder : IComparer<(long Sequence, string Id)>
    {
        public static readonly FeedOrder Instance = new();

        public int Compare((long Sequence, string Id) x, (long Sequence, string Id) y) => x.Sequence.CompareTo(y.Sequence);
    }

    private sealed class FeedSubscription(InMemoryStore store, Action<TenantId?> listener) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (store._feedListeners)
            {
                store._feedListeners.Remove(listener);
            }

            return ValueTask.CompletedTask;
        }
    }
}
