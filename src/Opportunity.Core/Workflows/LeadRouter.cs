using System.Diagnostics;
using Microsoft.Extensions.Logging;
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
/// Routes a lead and applies the decision to it (assign with deadline, broadcast, or unroutable),
/// scheduling the first escalation step. Nothing is saved here: the caller saves the lead and then
/// calls <see cref="CommitAsync"/> for the side effects that must follow a successful save.
/// </summary>
internal sealed class LeadRouter
{
    private readonly IRoutingRuleSetProvider _ruleSets;
    private readonly IRoutingNetworkProvider _networks;
    private readonly IPartnerLoadProvider _loads;
    private readonly IPartnerPerformanceProvider _performance;
    private readonly IRoutingDecisionLog _log;
    private readonly IOptions<LeadDistributionOptions> _options;
    private readonly IOptions<OpportunityManagementOptions> _management;
    private readonly ILogger _logger;
    private readonly WorkflowMetrics _metrics;

    public LeadRouter(IRoutingRuleSetProvider ruleSets, IRoutingNetworkProvider networks, IPartnerLoadProvider loads, IPartnerPerformanceProvider performance, IRoutingDecisionLog log, IOptions<LeadDistributionOptions> options, IOptions<OpportunityManagementOptions> management, ILogger logger, WorkflowMetrics metrics)
    {
        _logger = logger;
        _metrics = metrics;
        _ruleSets = ruleSets;
        _networks = networks;
        _loads = loads;
        _performance = performance;
        _log = log;
        _options = options;
        _management = management;
    }

    private LeadDistributionOptions Options => _options.Value;

    /// <summary>Routes <paramref name="lead"/> and applies the outcome; null when the lead was held for manual duplicate review.</summary>
    public Task<RoutingDecision?> RouteAsync(Lead lead, IClock clock, CancellationToken cancellationToken) => RouteAsync(lead, clock, null, cancellationToken);

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
    public async Task<RoutingDecision?> SaveRoutedAsync(Lead lead, RoutingDecision? decision, LeadCheckpoint beforeRouting, IClock clock, Func<Task> save, CancellationToken cancellationToken)
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
            _metrics.RoutingDuration(outcome, Stopwatch.GetElapsedTime(started));
        }

        return decision;
    }

    private async Task<RoutingDecision?> DecideAsync(Lead lead, IClock clock, CapacityRefusals? refusals, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var tenant = lead.Tenant;
        var attempt = lead.Rejections.Count + lead.ExpiredPartners.Count;
        var duplicate = lead.DuplicateOf;
        if (duplicate is not null && attempt == 0 && Options.Duplicates.Handling == DuplicateHandling.ManualReview)
        {
            Unroutable(lead, $"possible duplicate of lead {duplicate.ExistingLead} (matched on {duplicate.MatchedOn}); held for manual review", clock);
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
            var ruleSet = await _ruleSets.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
            decision = ruleSet.Route(request, network, load, performance);
        }

        Apply(lead, decision, network, clock);
        return decision;
    }

    /// <summary>After the lead was saved: record the new load and log the decision.</summary>
    public async Task CommitAsync(TenantId tenant, RoutingDecision? decision, CancellationToken cancellationToken)
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
        _metrics.Decided(decision.Outcome);
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
    public void Assign(Lead lead, Partner partner, IClock clock)
    {
        var now = clock.GetCurrentInstant();
        var ladder = Options.Escalation.For(partner.Tier);
        lead.Assign(partner.Id, ladder.DueAt(ladder.Steps.Count - 1, now, partner.Calendar), Options.SystemActor, clock);
        lead.ScheduleNextDue(NextEscalationDue(lead, ladder, [partner.Calendar]));
    }

    /// <summary>When the next escalation step of an Assigned or Offered lead is due.</summary>
    public static Instant NextEscalationDue(Lead lead, EscalationLadder ladder, IReadOnlyList<BusinessCalendar> calendars)
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

    private void Unroutable(Lead lead, string reason, IClock clock)
    {
        if (lead.State != LeadState.Unroutable)
        {
            lead.MarkUnroutable(reason, Options.SystemActor, clock);
        }

        lead.ScheduleNextDue(null);
    }
}
