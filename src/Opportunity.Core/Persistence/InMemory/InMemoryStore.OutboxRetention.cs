using NodaTime;

namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore
{
    // Delivered messages not yet purged, with when they were delivered. The ids themselves stay in
    // _outboxDelivered after a purge: that set is the de-duplication record (ids only, no payload).
    private readonly Dictionary<string, Instant> _outboxDeliveredAt = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        lock (_gate)
        {
            var purge = _outboxDeliveredAt
                .Where(d => d.Value < olderThan)
                .OrderBy(d => d.Value)
                .ThenBy(d => d.Key, StringComparer.Ordinal)
                .Take(maxMessages)
                .Select(d => d.Key)
                .ToList();
            foreach (var id in purge)
            {
                _outboxDeliveredAt.Remove(id);
            }

            return Task.FromResult(purge.Count);
        }
    }
}
