using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Workflows;

namespace Opportunity.Hosting;

/// <summary>
/// Runs <see cref="DueWorkProcessor.ProcessDueAsync"/> periodically in a .NET generic host, with
/// <c>now</c> from the injected <see cref="IClock"/>: escalation ladders and follow-ups happen
/// without code of your own. Every host of an application may run it: the processor's leased
/// claims and version-checked saves make sure each step fires once. A run that fails is logged and
/// the service keeps going (the items stay due), backing off like an idle run (see
/// <see cref="BackgroundLoopOptions.MaxIdleInterval"/>); stopping the host cancels the wait or the
/// run, whose claimed items stay due and return when their lease ends. Part of
/// <c>AddBackgroundProcessing</c>; <c>AddDueWorkHostedService</c> registers it alone.
/// </summary>
public sealed partial class DueWorkHostedService : BackgroundService
{
    private readonly DueWorkProcessor _processor;
    private readonly IClock _clock;
    private readonly IBackgroundDelay _delay;
    private readonly IOptions<DueWorkHostingOptions> _options;
    private readonly ILogger<DueWorkHostedService> _logger;

    /// <summary>The loop's name, passed to <see cref="IBackgroundDelay"/>: <c>due-work</c>.</summary>
    public const string LoopName = "due-work";

    /// <summary>Creates the service (normally resolved from DI, see <c>AddBackgroundProcessing</c>).</summary>
    public DueWorkHostedService(DueWorkProcessor processor, IClock clock, IBackgroundDelay delay, IOptions<DueWorkHostingOptions> options, ILogger<DueWorkHostedService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(delay);
        ArgumentNullException.ThrowIfNull(options);
        _processor = processor;
        _clock = clock;
        _delay = delay;
        _options = options;
        _logger = logger ?? NullLogger<DueWorkHostedService>.Instance;
    }

    /// <summary>Runs the due work once at the clock's current instant; returns its report, or null when it failed (logged).</summary>
    public async Task<DueWorkReport?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = _clock.GetCurrentInstant();
        try
        {
            var report = await _processor.ProcessDueAsync(now, cancellationToken).ConfigureAwait(false);
            if (report.Processed + report.Quarantined > 0)
            {
                LogRun(now, report.Processed, report.Reminders, report.Escalations, report.Recalls, report.FollowUps, report.Conflicts, report.Failures, report.Quarantined);
            }

            return report;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(ex, now);
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
            { Processed: 0, Quarantined: 0 } => PassOutcome.Idle,
            _ => PassOutcome.Worked,
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "Due work at {Now}: {Processed} items, {Reminders} reminders, {Escalations} escalations, {Recalls} recalls, {FollowUps} follow-ups, {Conflicts} conflicts, {Failures} failures, {Quarantined} quarantined.")]
    private partial void LogRun(Instant now, int processed, int reminders, int escalations, int recalls, int followUps, int conflicts, int failures, int quarantined);

    [LoggerMessage(Level = LogLevel.Error, Message = "Due work at {Now} failed; the items stay due and the next run retries them.")]
    private partial void LogRunFailed(Exception exception, Instant now);
}
