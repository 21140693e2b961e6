using Npgsql;
using Opportunity.Persistence.PostgreSql.Schema;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>One <c>LISTEN</c> connection, waiting for notifications until disposed.</summary>
internal sealed class PostgreSqlFeedListener(NpgsqlDataSource dataSource, string prefix, Action<TenantId?> changed) : IAsyncDisposable
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = await ListenAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(connection, _stop.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Notification += (_, e) =>
            {
                if (e.Payload.StartsWith(prefix, StringComparison.Ordinal) && TenantId.TryParse(e.Payload.AsSpan(prefix.Length), null, out var tenant))
                {
                    changed(tenant);
                }
            };
            using var listen = new NpgsqlCommand($"LISTEN {PostgreSqlMigrations.FeedChannel};", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task RunAsync(NpgsqlConnection? connection, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    connection ??= await ListenAsync(stop).ConfigureAwait(false);
                    await connection.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException && !stop.IsCancellationRequested)
                {
                    // The connection broke: open another after a pause; the poll covers what was missed.
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }

                    changed(null);
                    await Task.Delay(Reconnect, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
