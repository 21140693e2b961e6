using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Opportunity.Workflows;

namespace Opportunity.Hosting;

/// <summary>
/// Runs the retention sweep (<see cref="PersonalDataService.SweepAsync"/>) of the configured tenants
/// periodically in a .NET generic host. Every host of an application may run it: a record another host
/// erased first fails the version check and is skipped, so each record is erased and audited once. A
/// tenant whose sweep fails is logged and the others go on; the next pass retries it.
/// <c>AddPersonalDataRetentionHostedService</c> registers it.
/// </summary>
public sealed partial class PersonalDataRetentionHostedService : BackgroundService
{
    private readonly PersonalDataService _privacy;
    private readonly IBackgroundDelay _delay;
    private readonly IOptions<PersonalDataRetentionHostingOptions> _options;
    private readonly ILogger<PersonalDataRetentionHostedService> _logger;

    /// <summary>The loop's name, passed to <see cref="IBackgroundDelay"/>: <c>personal-data-retention</c>.</summary>
    public const string LoopName = "personal-data-retention";

    /// <summary>Creates the service (normally resolved from DI).</summary>
    public PersonalDataRetentionHostedService(PersonalDataService privacy, IBackgroundDelay delay, IOptions<PersonalDataRetentionHostingOptions> options, ILogger<PersonalDataRetentionHostedService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(privacy);
        ArgumentNullException.ThrowIfNull(delay);
        ArgumentNullException.ThrowIfNull(options);
        _privacy = privacy;
        _delay = delay;
        _options = options;
        _logger = logger ?? NullLogger<PersonalDataRetentionHostedService>.Instance;
    }

    /// <summary>Sweeps every configured tenant once; returns the sum of their reports, or null when a tenant's sweep failed (logged; the others ran).</summary>
    public async Task<ErasureReport?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var total = ErasureReport.None;
        var failed = false;
        foreach (var tenant in _options.Value.Tenants.Select(t => new TenantId(t)).Distinct())
        {
            try
            {
                var report = await _privacy.SweepAsync(tenant, "retention", cancellationToken).ConfigureAwait(false);
                if (!report.IsNoOp)
                {
                    LogSwept(tenant, report.Opportunities, report.Leads);
                }

                total += report;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogSweepFailed(ex, tenant);
                failed = true;
            }
        }

        return failed ? null : total;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundLoop.RunAsync(LoopName, _options.Value, _delay, RunPassAsync, stoppingToken);

    private async Task<PassOutcome> RunPassAsync(CancellationToken cancellationToken) =>
        await RunOnceAsync(cancellationToken).ConfigureAwait(false) switch
        {
            null => PassOutcome.Failed,
            { IsNoOp: true } => PassOutcome.Idle,
            _ => PassOutcome.Worked,
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention sweep of tenant {Tenant}: {Opportunities} deals and {Leads} leads erased.")]
    private partial void LogSwept(TenantId tenant, int opportunities, int leads);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention sweep of tenant {Tenant} failed; the next pass retries it.")]
    private partial void LogSweepFailed(Exception exception, TenantId tenant);
}
