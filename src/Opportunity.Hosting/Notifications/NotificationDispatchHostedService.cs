using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Opportunity.Notifications;

namespace Opportunity.Hosting;

/// <summary>
/// Runs <see cref="NotificationDispatcher.DispatchDueAsync"/> periodically in a .NET generic host:
/// the outbox is delivered (e-mails, webhooks, your channels) without a pump of your own. Every
/// host may run it: the dispatcher's leased claims keep each message with one holder. A pass that
/// throws (the store is briefly unreachable) is logged and retried, backing off like an idle pass;
/// stopping the host cancels the pass, which claims nothing more and leaves the messages it holds
/// to their lease (delivered again afterwards, at least once). Part of <c>AddBackgroundProcessing</c>.
/// </summary>
public sealed partial class NotificationDispatchHostedService : BackgroundService
{
    /// <summary>The loop's name, passed to <see cref="IBackgroundDelay"/>: <c>notification-dispatch</c>.</summary>
    public const string LoopName = "notification-dispatch";

    private readonly NotificationDispatcher _dispatcher;
    private readonly IBackgroundDelay _delay;
    private readonly IOptions<NotificationDispatchHostingOptions> _options;
    private readonly ILogger<NotificationDispatchHostedService> _logger;

    /// <summary>Creates the service (normally resolved from DI, see <c>AddBackgroundProcessing</c>).</summary>
    public NotificationDispatchHostedService(NotificationDispatcher dispatcher, IBackgroundDelay delay, IOptions<NotificationDispatchHostingOptions> options, ILogger<NotificationDispatchHostedService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(delay);
        ArgumentNullException.ThrowIfNull(options);
        _dispatcher = dispatcher;
        _delay = delay;
        _options = options;
        _logger = logger ?? NullLogger<NotificationDispatchHostedService>.Instance;
    }

    /// <summary>Dispatches everything due once; returns the summary, or null when the pass failed (logged).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<DispatchSummary?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var summary = await _dispatcher.DispatchDueAsync(cancellationToken).ConfigureAwait(false);
            if (summary.Claimed > 0)
            {
                LogRun(summary.Claimed, summary.Delivered, summary.Retried, summary.DeadLettered, summary.Failed);
            }

            return summary;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(ex);
            return null;
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundLoop.RunAsync(LoopName, _options.Value, _delay, RunPassAsync, stoppingToken);

    private async Task<PassOutcome> RunPassAsync(CancellationToken cancellationToken) =>
        await RunOnceAsync(cancellationToken).ConfigureAwait(false) switch
        {
            null => PassOutcome.Failed,
            { Claimed: 0 } => PassOutcome.Idle,
            _ => PassOutcome.Worked,
        };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox dispatch: {Claimed} claimed, {Delivered} delivered, {Retried} retried, {DeadLettered} dead-lettered, {Failed} failed.")]
    private partial void LogRun(int claimed, int delivered, int retried, int deadLettered, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox dispatch failed; the messages stay in the outbox and the next pass retries them.")]
    private partial void LogRunFailed(Exception exception);
}
