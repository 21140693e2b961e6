namespace Opportunity.Notifications;

public sealed partial class NotificationDispatcher
{
    /// <summary>Messages removed per store call, so one purge never holds the outbox (SQLite: the writer) for long.</summary>
    private const int PurgeBatchSize = 1_000;

    /// <summary>Batches per dispatch run at most: a backlog (an upgrade from 0.1.0) is worked off over several runs.</summary>
    private const int MaxPurgeBatchesPerRun = 100;

    /// <summary>
    /// Purges delivered messages older than <see cref="NotificationDispatcherOptions.DeliveredRetention"/>
    /// (up to 100,000 per call) and returns how many; 0 when retention is off. Every
    /// <see cref="DispatchDueAsync"/> run ends with this, so hosts need not call it themselves.
    /// Pending messages and dead letters are never purged; purged ids stay de-duplicated by the store.
    /// </summary>
    public async Task<int> PurgeDeliveredAsync(CancellationToken cancellationToken = default)
    {
        if (_options.DeliveredRetention is not { } retention)
        {
            return 0;
        }

        var olderThan = _clock.GetCurrentInstant() - retention;
        var purged = 0;
        for (var batch = 0; batch < MaxPurgeBatchesPerRun; batch++)
        {
            var count = await _outbox.PurgeDeliveredAsync(olderThan, PurgeBatchSize, cancellationToken).ConfigureAwait(false);
            purged += count;
            if (count < PurgeBatchSize)
            {
                break;
            }
        }

        if (purged > 0)
        {
            NotificationLog.Purged(_logger, purged, olderThan);
        }

        return purged;
    }

    /// <summary>The purge at the end of a dispatch run: a failure is logged, not thrown, since the run's deliveries are done.</summary>
    private async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PurgeDeliveredAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            NotificationLog.PurgeFailed(_logger, ex);
            return 0;
        }
    }
}
