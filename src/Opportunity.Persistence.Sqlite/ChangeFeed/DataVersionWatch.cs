using Microsoft.Data.Sqlite;

namespace Opportunity.Persistence.Sqlite;

/// <summary>Polls <c>PRAGMA data_version</c> on its own connection until disposed.</summary>
internal sealed class DataVersionWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public DataVersionWatch(SqliteConnection connection, long first, Action<TenantId?> changed)
    {
        _loop = Task.Run(() => WatchAsync(connection, first, changed, _stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task WatchAsync(SqliteConnection connection, long last, Action<TenantId?> changed, CancellationToken stop)
    {
        using (connection)
        using (var timer = new PeriodicTimer(SqliteChangeFeed.SignalPollInterval))
        {
            try
            {
                while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                {
                    long current;
                    try
                    {
                        current = await SqliteChangeFeed.DataVersionAsync(connection, stop).ConfigureAwait(false);
                    }
                    catch (SqliteException)
                    {
                        // Busy or closed for a moment: ask again at the next tick.
                        continue;
                    }

                    if (current != last)
                    {
                        last = current;
                        changed(null);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Disposed.
            }
        }
    }
}
