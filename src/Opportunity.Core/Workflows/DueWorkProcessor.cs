using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// Does the time-based work of lead distribution: escalation steps of unanswered leads (remind,
/// notify the channel manager, recall and re-route), follow-up requests for accepted leads and
/// open opportunities, the timers of deal registrations (overdue approvals escalated, expiry
/// warnings, expiry of protection; see <see cref="DealRegistrationPolicy"/>), and leads coming back
/// (nurture ended, the manufacturer's queue retried; see <see cref="LeadRecyclingPolicy"/>). The host calls <see cref="ProcessDueAsync"/> periodically (from a timer or
/// a BackgroundService). It only touches items whose due time has come, claimed
/// through the stores' due-time index in leased batches, so the cost follows the due items, and
/// several hosts can run it at once: leases split the work and version-checked saves make sure a
/// step fires once even when two hosts hold the same item.
/// </summary>
public sealed class DueWorkProcessor
{
    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerDirectory _partners;
    private readonly LeadRouter _router;
    private readonly IPartnerLoadProvider _loads;
    private readonly IOptions<LeadDistributionOptions> _options;
    private readonly IOptions<OpportunityManagementOptions> _management;
    private readonly ILogger<DueWorkProcessor> _logger;
    private readonly WorkflowMetrics _metrics;
    private readonly ForecastSnapshotScheduler? _snapshots;

    /// <summary>Creates the processor (normally resolved from DI, see <c>AddLeadDistribution</c>).</summary>
    public DueWorkProcessor(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        LeadRouter router,
        IPartnerLoadProvider loads,
        IOptions<LeadDistributionOptions> options,
        IOptions<OpportunityManagementOptions> management,
        ILogger<DueWorkProcessor>? logger = null)
        : this(leads, opportunities, partners, router, loads, options, management, null, logger)
    {
    }

    /// <summary>
    /// Creates the processor that also takes the scheduled forecast snapshots of
    /// <paramref name="snapshots"/> on every pass (normally resolved from DI, see <c>AddForecastSnapshotSchedule</c>).
    /// </summary>
    public DueWorkProcessor(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        LeadRouter router,
        IPartnerLoadProvider loads,
        IOptions<LeadDistributionOptions> options,
        IOptions<OpportunityManagementOptions> management,
        ForecastSnapshotScheduler? snapshots,
        ILogger<DueWorkProcessor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(management);
        _leads = leads;
        _opportunities = opportunities;
        _partners = partners;
        _router = router;
        _metrics = router.Metrics;
        _loads = loads;
        _options = options;
        _management = management;
        _snapshots = snapshots;
        _logger = logger ?? NullLogger<DueWorkProcessor>.Instance;
    }

    private LeadDistributionOptions Options => _options.Value;

    /// <summary>
    /// Processes everything due at or before <paramref name="now"/>. Idempotent: a second call with
    /// the same instant finds nothing due. Each escalation step fires exactly once and never before
    /// its due instant; a follow-up is requested at most once per repeat period.
    /// </summary>
    public async Task<DueWorkReport> ProcessDueAsync(Instant now, CancellationToken cancellationToken = default)
    {
        using var activity = OpportunityTelemetry.Source.StartActivity("opportunity.due_work.process");
        var report = new DueWorkReport();
        var clock = new FixedClock(now);
        report = await DrainAsync(
            claim => _leads.ClaimDueBatchAsync(claim, cancellationToken),
            lead => (lead.Tenant, lead.Id.Value),
            lead => lead.NextDueAt,
            nameof(Lead),
            (lead, r) => ProcessLeadAsync(lead, clock, r, cancellationToken),
            now,
            report,
            cancellationToken).ConfigureAwait(false);
        report = await DrainAsync(
            claim => _opportunities.ClaimDueBatchAsync(claim, cancellationToken),
            opportunity => (opportunity.Tenant, opportunity.Id.Value),
            opportunity => opportunity.NextDueAt,
            nameof(SalesOpportunity),
            (opportunity, r) => ProcessOpportunityAsync(opportunity, clock, r, cancellationToken),
            now,
            report,
            cancellationToken).ConfigureAwait(false);
        if (_snapshots is not null)
        {
            var (taken, failed) = await _snapshots.TakeDueCountingFailuresAsync(now, cancellationToken).ConfigureAwait(false);
            report = report with { ForecastSnapshots = taken, Failures = report.Failures + failed };
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("opportunity.due_work.processed", report.Processed);
            activity.SetTag("opportunity.due_work.failures", report.Failures);
            activity.SetTag("opportunity.due_work.quarantined", report.Quarantined);
        }

        if (report.Processed + report.Quarantined > 0)
        {
            WorkflowLog.DueWorkSummary(_logger, now, report.Processed, report.Reminders, report.Escalations, report.Recalls, report.Unroutable, report.FollowUps, report.Conflicts, report.Failures, report.Quarantined);
        }

        return report;
    }

    private async Task<DueWorkReport> DrainAsync<T>(Func<DueWorkClaim, Task<DueWorkBatch<T>>> claimDue, Func<T, (TenantId, string)> keyOf, Func<T, Instant?> dueAtOf, string kind, Func<T, DueWorkReport, Task<DueWorkReport>> process, Instant now, DueWorkReport report, CancellationToken cancellationToken)
    {
        var management = _management.Value;
        var seen = new HashSet<(TenantId, string)>();
        while (true)
        {
            var batch = await claimDue(new DueWorkClaim(now, management.ClaimBatchSize, management.HostId, management.ClaimLease)).ConfigureAwait(false);
            var fresh = 0;
            foreach (var record in batch.Quarantined)
            {
                // The store set it aside in the claim's transaction: no later claim returns it, nothing else waits for it.
                fresh++;
                WorkflowLog.Quarantined(_logger, record.Kind.ToString(), record.Id, record.Tenant.Value, record.Reason);
                _metrics.Quarantined(record.Kind.ToString());
                report = report with { Quarantined = report.Quarantined + 1 };
            }

            foreach (var item in batch.Items)
            {
                // A failed item stays due and leased to this host, so the next claim may return it again.
                if (!seen.Add(keyOf(item)))
                {
                    continue;
                }

                fresh++;
                if (dueAtOf(item) is { } dueAt)
                {
                    _metrics.DueWorkLag(kind, now - dueAt);
                }

                try
                {
                    report = await process(item, report with { Processed = report.Processed + 1 }).ConfigureAwait(false);
                }
                catch (ConcurrencyException ex)
                {
                    var (tenant, id) = keyOf(item);
                    WorkflowLog.DueWorkConflict(_logger, ex, kind, id, tenant.Value);
                    report = report with { Conflicts = report.Conflicts + 1 };
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    var (tenant, id) = keyOf(item);
                    WorkflowLog.DueWorkFailed(_logger, ex, kind, id, tenant.Value);
                    report = report with { Failures = report.Failures + 1 };
                }
            }

            if (fresh == 0 || batch.Taken < management.ClaimBatchSize)
            {
                return report;
            }
        }
    }

    private async Task<DueWorkReport> ProcessLeadAsync(Lead lead, FixedClock clock, DueWorkReport report, CancellationToken cancellationToken)
    {
        if (lead.ClockPause is not null)
        {
            // Paused: nothing fires; the due time waits in the pause until the clock is resumed.
            return report;
        }

        var now = clock.GetCurrentInstant();
        RoutingDecision? decision = null;
        LeadCheckpoint beforeRouting = default;
        var recalled = false;
        PartnerId? released = null;
        switch (lead.State)
        {
            case LeadState.Assigned or LeadState.Offered:
                var pending = lead.PendingPartners;
                var partners = new Dictionary<PartnerId, Partner?>();
                foreach (var id in pending)
                {
                    partners[id] = await _partners.FindAsync(lead.Tenant, id, cancellationToken).ConfigureAwait(false);
                }

                var ladder = Options.Escalation.For(partners[pending[0]]?.Tier ?? PartnerTier.Registered);
                IReadOnlyList<IBusinessCalendar> calendars = [.. pending.Select(id => partners[id]?.Calendar ?? Options.FallbackCalendar)];
                while (lead.State is LeadState.Assigned or LeadState.Offered && lead.EscalationStepsFired < ladder.Steps.Count)
                {
                    var step = lead.EscalationStepsFired;
                    if (LeadRouter.NextEscalationDue(lead, ladder, calendars) > now)
                    {
                        break;
                    }

                    WorkflowLog.Escalated(_logger, lead.Id.Value, lead.Tenant.Value, step, ladder.Steps[step].Action.ToString());
                    switch (ladder.Steps[step].Action)
                    {
                        case EscalationAction.RemindPartner:
                            lead.RemindPartners(step, Options.SystemActor, clock);
                            report = report with { Reminders = report.Reminders + 1 };
                            break;
                        case EscalationAction.NotifyChannelManager:
                            lead.Escalate(step, id => partners.GetValueOrDefault(id)?.ChannelManagerEmail, Options.SystemActor, clock);
                            report = report with { Escalations = report.Escalations + 1 };
                            break;
                        case EscalationAction.NotifyDistributor:
                            lead.EscalateToDistributor(step, id => partners.GetValueOrDefault(id)?.ParentId, id => partners.GetValueOrDefault(id)?.ChannelManagerEmail, Options.SystemActor, clock);
                            report = report with { Escalations = report.Escalations + 1 };
                            break;
                        default:
                            released = lead.State == LeadState.Assigned ? lead.AssignedPartner : null;
                            lead.Recall(Options.SystemActor, clock);
                            beforeRouting = lead.Checkpoint();
                            decision = await _router.RouteAsync(lead, clock, cancellationToken).ConfigureAwait(false);
                            recalled = true;
                            report = report with { Recalls = report.Recalls + 1 };
                            break;
                    }
                }

                if (decision is null && lead.State is LeadState.Assigned or LeadState.Offered)
                {
                    lead.ScheduleNextDue(LeadRouter.NextEscalationDue(lead, ladder, calendars));
                }

                break;
            case LeadState.Accepted when lead.Registration?.ProtectedUntil <= now:
                // Protection over before conversion or extension: the partner no longer holds the deal.
                released = lead.AssignedPartner;
                lead.ExpireRegistration(Options.SystemActor, clock);
                WorkflowLog.RegistrationExpired(_logger, lead.Id.Value, lead.Tenant.Value, released!.Value.Value);
                report = report with { RegistrationsExpired = report.RegistrationsExpired + 1 };
                break;
            case LeadState.Accepted:
                var (request, next) = Options.FollowUps.Evaluate(lead.LastActivityAt, now);
                if (request > 0)
                {
                    lead.RequestFollowUp(request, Options.SystemActor, clock);
                    report = report with { FollowUps = report.FollowUps + 1 };
                }

                if (lead.Registration?.ExpiryWarningAt <= now)
                {
                    lead.WarnRegistrationExpiry(Options.SystemActor, clock);
                    report = report with { RegistrationWarnings = report.RegistrationWarnings + 1 };
                }

                lead.ScheduleNextDue(RegistrationTimers.NextDue(lead, next));
                break;
            case LeadState.PendingApproval when lead.Registration is { ApprovalEscalated: false } terms:
                if (terms.ApprovalDueAt <= now)
                {
                    var registrant = await _partners.FindAsync(lead.Tenant, lead.RegisteredBy!.Value, cancellationToken).ConfigureAwait(false);
                    lead.EscalateRegistrationApproval(registrant?.ChannelManagerEmail, Options.SystemActor, clock);
                    WorkflowLog.RegistrationApprovalOverdue(_logger, lead.Id.Value, lead.Tenant.Value, lead.RegisteredBy!.Value.Value);
                    report = report with { RegistrationEscalations = report.RegistrationEscalations + 1 };
                }

                lead.ScheduleNextDue(lead.Registration!.ApprovalEscalated ? null : terms.ApprovalDueAt);
                break;
            case LeadState.Nurture or LeadState.Unroutable when !_router.IsHeldForReview(lead):
                // The end of nurture, or the scheduled retry of the manufacturer's queue: route it again.
                report = lead.State == LeadState.Nurture
                    ? report with { ReturnedFromNurture = report.ReturnedFromNurture + 1 }
                    : report with { QueueRetries = report.QueueRetries + 1 };
                beforeRouting = lead.Checkpoint();
                decision = await _router.RouteAsync(lead, clock, cancellationToken).ConfigureAwait(false);
                break;
            default:
                lead.ScheduleNextDue(null);
                break;
        }

        if (decision is null)
        {
            await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A partner that filled up meanwhile refuses the save: the lead is routed again without it.
            decision = await _router.SaveRoutedAsync(lead, decision, beforeRouting, clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        if (recalled)
        {
            report = report with
            {
                Rerouted = report.Rerouted + (lead.State is LeadState.Assigned or LeadState.Offered ? 1 : 0),
                Unroutable = report.Unroutable + (lead.State == LeadState.Unroutable ? 1 : 0),
            };
        }

        if (released is { } partner)
        {
            _loads.RecordRelease(lead.Tenant, partner);
        }

        await _router.CommitAsync(lead.Tenant, decision, cancellationToken).ConfigureAwait(false);
        return report;
    }

    private async Task<DueWorkReport> ProcessOpportunityAsync(SalesOpportunity opportunity, FixedClock clock, DueWorkReport report, CancellationToken cancellationToken)
    {
        if (opportunity.ClockPause is not null)
        {
            return report;
        }

        if (opportunity.IsClosed)
        {
            opportunity.ScheduleNextDue(null);
        }
        else
        {
            var (request, next) = Options.FollowUps.Evaluate(opportunity.LastActivityAt, clock.GetCurrentInstant());
            if (request > 0)
            {
                opportunity.RequestFollowUp(request, Options.SystemActor, clock);
                report = report with { FollowUps = report.FollowUps + 1 };
            }

            opportunity.ScheduleNextDue(next);
        }

        await _opportunities.UpdateAsync(opportunity, cancellationToken).ConfigureAwait(false);
        return report;
    }
}
