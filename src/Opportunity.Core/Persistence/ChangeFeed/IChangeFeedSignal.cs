namespace Opportunity.Persistence;

/// <summary>
/// An optional wake-up for readers of a change feed: the store calls back after a change of a
/// tenant has committed, so followers need not poll hard (PostgreSQL: <c>LISTEN/NOTIFY</c>, across
/// hosts; SQLite and in-memory: stores of the same database in this process). A wake-up may come
/// more than once for one change or, when a connection drops, not at all: followers still read on
/// a (slow) poll interval and treat a wake-up only as a reason to read now.
/// </summary>
public interface IChangeFeedSignal
{
    /// <summary>
    /// Calls <paramref name="changed"/> with the tenant (null when the store cannot tell which tenant
    /// changed) after changes commit, from any thread, until the result is disposed. Returns once
    /// listening: a change committed afterwards wakes it. The callback must return quickly.
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(Action<TenantId?> changed, CancellationToken cancellationToken = default);
}
