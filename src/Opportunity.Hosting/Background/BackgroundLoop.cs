using NodaTime;

namespace Opportunity.Hosting;

/// <summary>
/// The schedule every background loop of this package follows (due work, outbox dispatch, and
/// any loop added later, such as a live-pipeline follower: a hosted service with its own
/// <see cref="BackgroundLoopOptions"/> subclass that calls <see cref="RunAsync"/>). A pass that
/// did work is followed after the interval; idle or failed passes back off, doubling the pause up
/// to the cap. Stopping the host cancels the wait or the pass in progress; a pass observes the
/// token, so it claims nothing more and leaves what it holds to its lease.
/// </summary>
internal static class BackgroundLoop
{
    /// <param name="loop">The loop's name, passed to <paramref name="delay"/>.</param>
    /// <param name="options">Its schedule.</param>
    /// <param name="delay">The wait between passes.</param>
    /// <param name="pass">One pass; logs its own failures and reports them as <see cref="PassOutcome.Failed"/>; throws only when cancelled.</param>
    /// <param name="stoppingToken">Cancelled when the host stops.</param>
    public static async Task RunAsync(string loop, BackgroundLoopOptions options, IBackgroundDelay delay, Func<CancellationToken, Task<PassOutcome>> pass, CancellationToken stoppingToken)
    {
        try
        {
            if (!options.RunOnStart)
            {
                await delay.DelayAsync(loop, options.Interval, stoppingToken).ConfigureAwait(false);
            }

            var idlePause = options.Interval;
            while (!stoppingToken.IsCancellationRequested)
            {
                Duration pause;
                if (await pass(stoppingToken).ConfigureAwait(false) == PassOutcome.Worked)
                {
                    pause = idlePause = options.Interval;
                }
                else
                {
                    pause = idlePause;
                    idlePause = options.NextIdlePause(idlePause);
                }

                await delay.DelayAsync(loop, pause, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
