using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Routing.Rules;

namespace Opportunity.Workflows;

/// <summary>
/// Routes leads with the tenant's rule set, network, load and performance data, and explains the
/// decisions it made. <see cref="LeadIntakeService"/>, <see cref="PartnerLeadService"/> (a
/// rejection re-routes), <see cref="DueWorkProcessor"/> (a recall, the end of nurture and the queue's
/// retry re-route) and <see cref="LeadRecyclingService"/> (partners changed) route through it; call
/// <see cref="RouteAsync(TenantId, LeadId, CancellationToken)"/> yourself to route one lead again.
/// </summary>
public sealed class LeadRouter
{
    private readonly ILeadStore _leads;
    private readonly IRoutingRuleSetProvider _ruleSets;
    private readonly IRoutingNetworkProvider _networks;
    private readonly IPartnerLoadProvider _loads;
    private readonly IPartnerPerformanceProvider _performance;
    private readonly IRoutingDecisionLog _log;
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;
    private readonly IOptions<OpportunityManagementOptions> _management;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates the router (normally resolved from DI, see <c>AddLeadDistribution</c>). The logger and
    /// meter factory are optional (docs/observability.md); without a factory the instruments live on
    /// a process-wide meter.
    /// </summary>
    public LeadRouter(
        ILeadStore leads,
        IRoutingRuleSetProvider ruleSets,
        IRoutingNetworkProvider networks,
        IPartnerLoadProvider loads,
        IPartnerPerformanceProvider performance,
        IRoutingDecisionLog log,
        IClock clock,
        IOptions<LeadDistributionOptions> options,
        IOptions<OpportunityManagementOptions> management,
        ILogger<LeadRouter>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(ruleSets);
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(performance);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(management);
        _leads = leads;
        _ruleSets = ruleSets;
        _networks = networks;
        _loads = loads;
        _performance = performance;
        _log = log;
        _clock = clock;
        _options = options;
        _management = management;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Metrics = WorkflowMetrics.For(meterFactory);
    }

    /// <summary>The workflow instruments, shared with the services and <see cref="DueWorkProcessor"/> that route through this router.</summary>
    internal WorkflowMetrics Metrics { get; }

    /// <summary>Routes a Qualified, Rejected, SlaExpired, Unroutable or Nurture lead with the tenant's rule set and saves it.</summary>
    /// <returns>The decision, or null when the lead was held for duplicate review.</returns>
    /// <exception cref="EntityNotFoundException">The lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is in a state that is not routed.</exception>
    public async Task<RoutingDecision?> RouteAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var before = lead.Checkpoint();
        var decision = await RouteAsync(lead, _clock, cancellationToken).ConfigureAwait(false);
        decision = await SaveRoutedAsync(lead, decision, before, _clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
        await CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
        return decision;
    }

    /// <summary>Every routing decision made for a lead, oldest first, with its printed trace.</summary>
    public Task<IReadOnlyList<RoutingDecisionRecord>> ExplainAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken = default) =>
        _log.ForLeadAsync(tenant, id, cancellationToken);

    private LeadDistributionOptions Options => _options.Value;

    /// <summary>Routes <paramref name="lead"/> and applies the outcome, without saving it; null when the lead was held for manual duplicate review.</summary>
    internal Task<RoutingDecision?> RouteAsync(Lead lead, IClock clock, CancellationToken cancellationToken) => RouteAsync(lead, clock, null, cancellationToken);

    /// <summary>
    /// Saves a lead just routed by <see cref="RouteAsync(Lead, IClock, CancellationToken)"/> with
    /// <paramref name="save"/>. When the store refuses because the picked partner is full (another
    /// request or host filled it since the load was read), the lead is put back to
    /// <paramref name="beforeRouting"/> and routed again with that partner at its stored load (the
    /// capacity rule removes it, and the trace says so); a partner refused twice (a rule set without the
    /// capacity rule) is excluded outright. Every refusal removes a partner, so this ends: assigned to a
    /// partner with room, broadcast, or unroutable.
    /// </summary>
    /// <returns>The decision that was saved.</returns>
    internal async Task<RoutingDecision?> SaveRoutedAsync(Lead lead, RoutingDecision? decision, LeadCheckpoint beforeRouting, IClock clock, Func<Task> save, CancellationToken cancellationToken)
    {
        CapacityRefusals? refusals = null;
        while (true)
        {
            try
            {
                await save().ConfigureAwait(false);
                return decision;
            }
            catch (PartnerAtCapacityException ex) when (decision is { Outcome: RoutingOutcome.Assigned } && decision.Partner == ex.Partner && ex.Tenant == lead.Tenant)
            {
                refusals ??= new CapacityRefusals();
                if (!refusals.Add(ex))
                {
                    throw;
                }

                lead.Restore(beforeRouting);
                decision = await RouteAsync(lead, clock, refusals, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<RoutingDecision?> RouteAsync(Lead lead, IClock clock, CapacityRefusals? refusals, CancellationToken cancellationToken)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.route", lead.Tenant, lead.Id);
        var started = Stopwatch.GetTimestamp();
        var decision = await DecideAsync(lead, clock, refusals, cancellationToken).ConfigureAwait(false);
        var outcome = decision is null ? "held_for_review" : WorkflowMetrics.Outcome(decision.Outcome);
        activity?.SetTag(TelemetryTags.Outcome, outcome);
        if (decision?.Partner is { } partner)
        {
            activity?.SetTag(TelemetryTags.Partner, partner.Value);
        }

        if (decision is not null)
        {
            Metrics.RoutingDuration(outcome, Stopwatch.GetElapsedTime(started));
        }

        return decision;
    }

    private async Task<RoutingDecision?> DecideAsync(Lead lead, IClock clock, CapacityRefusals? refusals, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var tenant = lead.Tenant;
        // A recycled lead is a new attempt (a new seed), and a person recycled it: not held for review again.
        var attempt = lead.Rejections.Count + lead.ExpiredPartners.Count + (lead.Recycling?.Count ?? 0);
        var duplicate = lead.DuplicateOf;
        if (IsHeldForReview(lead))
        {
            Unroutable(lead, $"possible duplicate of {duplicate!.DescribeExisting()} (matched on {duplicate.MatchedOn}); held for manual review", clock, retry: false);
            return null;
        }

        var network = await _networks.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var load = await _loads.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var performance = await _performance.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var request = RoutingRequest.ForLead(lead, now, RoutingRequest.DeriveSeed(_management.Value.RandomSeed, lead.Id, attempt));
        if (refusals is not null)
        {
            load = refusals.Over(load);
            request = request with { ExcludedPartners = [.. request.ExcludedPartners, .. refusals.Excluded] };
        }
        RoutingDecision? decision = null;
        if (duplicate?.WorkingPartner is { } working && Options.Duplicates.Handling == DuplicateHandling.OfferToWorkingPartner)
        {
            decision = WorkingPartnerRule.RuleSet(working, duplicate).Route(request, network, load, performance);
            if (decision.Outcome == RoutingOutcome.Unroutable)
            {
                decision = null; // the working partner cannot take it (inactive, rejected it before): route normally
            }
        }

        if (decision is null)
        {
            var ruleSet = await _ruleSets.GetAsync(tenant, lead.Details, cancellationToken).ConfigureAwait(false);
            decision = ruleSet.Route(request, network, load, performance);
        }

        Apply(lead, decision, network, clock);
        return decision;
    }

    /// <summary>After the lead was saved: record the new load and log the decision.</summary>
    internal async Task CommitAsync(TenantId tenant, RoutingDecision? decision, CancellationToken cancellationToken)
    {
        if (decision is null)
        {
            return;
        }

        if (decision.Outcome == RoutingOutcome.Assigned)
        {
            _loads.RecordAssignment(tenant, decision.Partner!.Value, decision.At);
        }

        // Counted here, once per saved decision (a decision refused for capacity and re-made is not).
        Metrics.Decided(decision.Outcome);
        if (decision.Outcome == RoutingOutcome.Unroutable)
        {
            WorkflowLog.Unroutable(_logger, decision.Lead.Value, tenant.Value);
        }
        else
        {
            WorkflowLog.Routed(_logger, decision.Lead.Value, tenant.Value, WorkflowMetrics.Outcome(decision.Outcome), string.Join(",", decision.Partners));
        }

        await _log.AppendAsync(tenant, RoutingDecisionRecord.From(decision), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Assigns <paramref name="lead"/> to <paramref name="partner"/> with the deadline of its tier's ladder in its calendar.</summary>
    internal void Assign(Lead lead, Partner partner, IClock clock)
    {
        var now = clock.GetCurrentInstant();
        var ladder = Options.Escalation.For(partner.Tier);
        lead.Assign(partner.Id, ladder.DueAt(ladder.Steps.Count - 1, now, partner.Calendar), Options.SystemActor, clock);
        lead.ScheduleNextDue(NextEscalationDue(lead, ladder, [partner.Calendar]));
    }

    /// <summary>When the next escalation step of an Assigned or Offered lead is due.</summary>
    internal static Instant NextEscalationDue(Lead lead, EscalationLadder ladder, IReadOnlyList<IBusinessCalendar> calendars)
    {
        var step = lead.EscalationStepsFired;
        if (step >= ladder.Steps.Count - 1)
        {
            return lead.AcceptanceDeadline!.Value;
        }

        var due = Instant.MaxValue;
        foreach (var calendar in calendars)
        {
            var at = ladder.DueAt(step, lead.AssignedAt!.Value, calendar);
            due = at < due ? at : due;
        }

        return due;
    }

    private void Apply(Lead lead, RoutingDecision decision, RoutingNetwork network, IClock clock)
    {
        switch (decision.Outcome)
        {
            case RoutingOutcome.Assigned:
                Assign(lead, network.Find(decision.Partner!.Value)!, clock);
                break;
            case RoutingOutcome.Broadcast:
                var now = clock.GetCurrentInstant();
                var partners = decision.Partners.Select(id => network.Find(id)!).ToList();
                var ladder = Options.Escalation.For(partners[0].Tier);
                var deadline = partners.Min(p => ladder.DueAt(ladder.Steps.Count - 1, now, p.Calendar));
                lead.Offer(decision.Partners, deadline, Options.SystemActor, clock);
                lead.ScheduleNextDue(NextEscalationDue(lead, ladder, [.. partners.Select(p => p.Calendar)]));
                break;
            default:
                Unroutable(lead, decision.UnroutableReason ?? "no partner matched", clock);
                break;
        }
    }

    /// <summary>True for a lead held unroutable for manual duplicate review: routing it again would only hold it again.</summary>
    internal bool IsHeldForReview(Lead lead) =>
        lead.DuplicateOf is not null
        && lead.Rejections.Count + lead.ExpiredPartners.Count + (lead.Recycling?.Count ?? 0) == 0
        && Options.Duplicates.Handling == DuplicateHandling.ManualReview;

    /// <summary>Puts the lead into the manufacturer's queue, due again after <see cref="LeadRecyclingPolicy.QueueRetry"/> unless it waits for a person (<paramref name="retry"/> false).</summary>
    private void Unroutable(Lead lead, string reason, IClock clock, bool retry = true)
    {
        if (lead.State != LeadState.Unroutable)
        {
            lead.MarkUnroutable(reason, Options.SystemActor, clock);
        }

        lead.ScheduleNextDue(retry ? Options.Recycling.QueueRetryAt(clock.GetCurrentInstant(), Options.FallbackCalendar) : null);
    }
}
