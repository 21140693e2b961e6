using System.Collections.Concurrent;
using NodaTime;

namespace Opportunity.Workflows;

/// <summary>
/// One value per tenant, rebuilt when it is older than a maximum age read from the options on each
/// call (time from the injected clock; a clock that went back counts as expired). Two callers that
/// find it expired at once may both build; the last one stays. A build that was running when the
/// tenant was invalidated is returned to its caller but not cached (it may predate the change).
/// </summary>
internal sealed class ExpiringTenantCache<T>
    where T : class
{
    private readonly IClock _clock;
    private readonly Func<Duration> _maxAge;
    private readonly ConcurrentDictionary<TenantId, (T Value, Instant BuiltAt)> _entries = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<TenantId, long> _invalidations = [];

    public ExpiringTenantCache(IClock clock, Func<Duration> maxAge)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _maxAge = maxAge;
    }

    /// <summary>The tenant's value, built by <paramref name="build"/> when missing or expired.</summary>
    public async ValueTask<T> GetAsync(TenantId tenant, Func<TenantId, CancellationToken, ValueTask<T>> build, CancellationToken cancellationToken)
    {
        var now = _clock.GetCurrentInstant();
        if (_entries.TryGetValue(tenant, out var cached) && now >= cached.BuiltAt && now - cached.BuiltAt < _maxAge())
        {
            return cached.Value;
        }

        long generation;
        lock (_gate)
        {
            generation = _invalidations.GetValueOrDefault(tenant);
        }

        var value = await build(tenant, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_invalidations.GetValueOrDefault(tenant) == generation)
            {
                _entries[tenant] = (value, now);
            }
        }

        return value;
    }

    /// <summary>The tenant's value as cached, expired or not; false when there is none.</summary>
    public bool TryPeek(TenantId tenant, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
    {
        var found = _entries.TryGetValue(tenant, out var cached);
        value = cached.Value;
        return found;
    }

    /// <summary>Forgets the tenant's value.</summary>
    public void Invalidate(TenantId tenant)
    {
        lock (_gate)
        {
            _invalidations[tenant] = _invalidations.GetValueOrDefault(tenant) + 1;
            _entries.TryRemove(tenant, out _);
        }
    }
}
