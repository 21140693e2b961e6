using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;

namespace Opportunity.Workflows;

/// <summary>
/// Takes the scheduled node snapshots of the configured tenants' forecast trees
/// (<see cref="ForecastSnapshotScheduleOptions"/>): when a snapshot is due, one host claims the run
/// (<see cref="IForecastSnapshotRunStore"/>), rolls the tenant's pipeline up
/// <see cref="ForecastHierarchy.Default"/> of its partners with the stored adjustments, and saves a
/// <see cref="ForecastSnapshot"/> per node in the transaction that completes the run — so each
/// scheduled snapshot is taken exactly once however many hosts call <see cref="TakeDueAsync"/>, also
/// when a host crashes between claim and save (the run is claimed again once its lease ends).
/// <see cref="DueWorkProcessor"/> calls it on every pass when it is registered
/// (<c>AddForecastSnapshotSchedule</c>).
/// </summary>
public sealed partial class ForecastSnapshotScheduler
{
    private readonly IForecastSnapshotRunStore _runs;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerDirectory _partners;
    private readonly IForecastAdjustmentStore? _adjustments;
    private readonly IExchangeRateProvider? _rates;
    private readonly IOptions<ForecastSnapshotScheduleOptions> _options;
    private readonly IOptions<OpportunityManagementOptions> _management;
    private readonly ILogger<ForecastSnapshotScheduler> _logger;

    /// <summary>Creates the scheduler (normally resolved from DI, see <c>AddForecastSnapshotSchedule</c>).</summary>
    public ForecastSnapshotScheduler(
        IForecastSnapshotRunStore runs,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        IOptions<ForecastSnapshotScheduleOptions> options,
        IOptions<OpportunityManagementOptions> management,
        IForecastAdjustmentStore? adjustments = null,
        IExchangeRateProvider? rates = null,
        ILogger<ForecastSnapshotScheduler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(management);
        _runs = runs;
        _opportunities = opportunities;
        _partners = partners;
        _options = options;
        _management = management;
        _adjustments = adjustments;
        _rates = rates;
        _logger = logger ?? NullLogger<ForecastSnapshotScheduler>.Instance;
    }

    /// <summary>
    /// The date of the latest scheduled snapshot due at or before <paramref name="now"/> in the
    /// schedule's time zone. Only the latest is taken: a host down over several occurrences takes one
    /// when it is back, not the missed ones (their figures are gone).
    /// </summary>
    public LocalDate LatestDue(Instant now)
    {
        var options = _options.Value;
        var local = now.InZone(DateTimeZoneProviders.Tzdb[options.TimeZone]).LocalDateTime;
        var at = LocalTime.FromTicksSinceMidnight(options.TimeOfDay.Ticks);
        var date = local.TimeOfDay >= at ? local.Date : local.Date.PlusDays(-1);
        if (options.Cadence == ForecastSnapshotCadence.Weekly)
        {
            return date.DayOfWeek == options.DayOfWeek ? date : date.Previous(options.DayOfWeek);
        }

        return new FiscalCalendar(options.FiscalYearStartMonth).PeriodOf(date, options.Period).Start;
    }

    /// <summary>
    /// Takes each configured tenant's snapshot due at <paramref name="now"/> that no host has taken
    /// yet and that this host can claim (<see cref="OpportunityManagementOptions.HostId"/>, leased for
    /// <see cref="OpportunityManagementOptions.ClaimLease"/>). A tenant whose snapshot fails is logged
    /// and stays due (claimed again after the lease); the others go on.
    /// </summary>
    /// <returns>How many runs this call took (saved).</returns>
    public async Task<int> TakeDueAsync(Instant now, CancellationToken cancellationToken = default) =>
        (await TakeDueCountingFailuresAsync(now, cancellationToken).ConfigureAwait(false)).Taken;

    /// <summary><see cref="TakeDueAsync"/>, also counting the claimed runs that failed (for <see cref="DueWorkReport.Failures"/>).</summary>
    internal async Task<(int Taken, int Failed)> TakeDueCountingFailuresAsync(Instant now, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var management = _management.Value;
        var takenOn = LatestDue(now);
        var taken = 0;
        var failed = 0;
        foreach (var tenant in options.Tenants.Select(t => new TenantId(t)))
        {
            if (!await _runs.TryClaimRunAsync(tenant, takenOn, management.HostId, now, management.ClaimLease, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                var snapshots = await TakeAsync(tenant, takenOn, options, cancellationToken).ConfigureAwait(false);
                if (await _runs.CompleteRunAsync(tenant, takenOn, management.HostId, snapshots, now, cancellationToken).ConfigureAwait(false))
                {
                    taken++;
                    LogTaken(tenant.Value, takenOn, snapshots.Count);
                }
                else
                {
                    LogLost(tenant.Value, takenOn, management.HostId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex, tenant.Value, takenOn);
                failed++;
            }
        }

        return (taken, failed);
    }

    /// <summary>One snapshot per node of the tenant's tree for the period of <paramref name="takenOn"/>.</summary>
    private async Task<IReadOnlyList<ForecastSnapshot>> TakeAsync(TenantId tenant, LocalDate takenOn, ForecastSnapshotScheduleOptions options, CancellationToken cancellationToken)
    {
        var fiscal = new FiscalCalendar(options.FiscalYearStartMonth);
        var period = fiscal.PeriodOf(takenOn, options.Period);
        var currency = new CurrencyCode(options.Currency);
        var pipeline = await PipelineSnapshot.FromStoreAsync(_opportunities, AccessScope.Manufacturer(tenant), new PipelineSnapshotOptions { FiscalCalendar = fiscal, IncludeClosedWon = true }, cancellationToken).ConfigureAwait(false);
        var partners = new List<Partner>();
        await foreach (var partner in _partners.ListAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            partners.Add(partner);
        }

        var hierarchy = ForecastHierarchy.Default(partners);
        IReadOnlyList<ForecastAdjustment> adjustments = _adjustments is null ? [] : await _adjustments.ListAdjustmentsAsync(tenant, period, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (adjustments.Count > 0)
        {
            // An adjustment of a node with no deals left in the period adjusts nothing; it must not stop the snapshot.
            var plain = ForecastHierarchyRollup.Compute(pipeline, hierarchy, period, currency, rates: _rates);
            adjustments = [.. adjustments.Where(a => plain.Contains(a.Node))];
        }

        var rollup = ForecastHierarchyRollup.Compute(pipeline, hierarchy, period, currency, adjustments, _rates);
        return [.. rollup.Paths.Select(path => Snapshot(rollup[path], period, takenOn))];
    }

    // The deals' expected value (won + weighted open) stands for the interval too: a node has no Monte Carlo of its own.
    private static ForecastSnapshot Snapshot(ForecastNodeRollup node, ForecastPeriod period, LocalDate takenOn)
    {
        var expected = node.Won + node.OpenWeighted;
        return new ForecastSnapshot
        {
            Period = period,
            TakenOn = takenOn,
            Node = node.Path,
            Currency = node.Currency,
            Expected = expected,
            P10 = expected,
            P50 = expected,
            P90 = expected,
            CommitForecast = node.CommitForecast,
            BestCaseForecast = node.BestCaseForecast,
            ByCategory = node.Forecast,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forecast snapshot of tenant {Tenant} on {TakenOn} taken: {Nodes} nodes.")]
    private partial void LogTaken(string tenant, LocalDate takenOn, int nodes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forecast snapshot of tenant {Tenant} on {TakenOn} not saved: host {Host}'s claim ended and the run went to another host.")]
    private partial void LogLost(string tenant, LocalDate takenOn, string host);

    [LoggerMessage(Level = LogLevel.Error, Message = "Forecast snapshot of tenant {Tenant} on {TakenOn} failed; it stays due and is claimed again after the lease.")]
    private partial void LogFailed(Exception exception, string tenant, LocalDate takenOn);
}
