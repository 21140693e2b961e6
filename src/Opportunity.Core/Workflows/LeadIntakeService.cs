using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// The manufacturer's side of lead distribution: capture (with duplicate detection) → qualify →
/// route (through <see cref="LeadRouter"/>) → assign with an acceptance deadline, manual
/// assignment and disqualification. What partners do with their leads is
/// <see cref="PartnerLeadService"/>; deals partners register themselves are
/// <see cref="DealRegistrationService"/>; time-based work (escalation, follow-up) is
/// <see cref="DueWorkProcessor"/>. Every change is one version-checked save of the lead, whose
/// events reach the outbox in the same transaction.
/// </summary>
public sealed class LeadIntakeService
{
    private readonly ILeadStore _leads;
    private readonly IPartnerDirectory _partners;
    private readonly IPartnerLoadProvider _loads;
    private readonly LeadRouter _router;
    private readonly LeadDuplicateFinder _duplicates;
    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly ILeadMergeStore? _merges;

    /// <summary>
    /// Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>); the logger is optional.
    /// <paramref name="merges"/> saves both leads of a merge in one transaction (the store's
    /// <see cref="StorePorts.Merges"/>); without it the lead store is used when it is one.
    /// </summary>
    public LeadIntakeService(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        IPartnerLoadProvider loads,
        LeadRouter router,
        IClock clock,
        IOptions<LeadDistributionOptions> options,
        ILogger<LeadIntakeService>? logger = null,
        ILeadMergeStore? merges = null)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _partners = partners;
        _loads = loads;
        _router = router;
        _duplicates = new LeadDuplicateFinder(leads, opportunities, options);
        _clock = clock;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _merges = merges ?? leads as ILeadMergeStore;
    }

    /// <summary>Captures a lead; when it duplicates an open lead or opportunity (same company, e-mail domain or phone), links it to that deal.</summary>
    /// <exception cref="ConcurrencyException">A lead with this id exists already.</exception>
    public async Task<CaptureResult> CaptureAsync(TenantId tenant, LeadId id, LeadDetails details, string actor, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.capture", tenant, id);
        var lead = Lead.Capture(tenant, id, details, actor, _clock);
        var duplicate = await _duplicates.FindAsync(tenant, id, details, cancellationToken).ConfigureAwait(false);
        if (duplicate is not null)
        {
            lead.LinkDuplicate(duplicate, actor, _clock);
        }

        await _leads.AddAsync(lead, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(TelemetryTags.Outcome, duplicate is null ? "captured" : "duplicate");
        WorkflowLog.Captured(_logger, id.Value, tenant.Value, duplicate?.DescribeExisting());
        return new CaptureResult(lead, duplicate);
    }

    /// <summary>Records the qualification; a fully qualified lead is then routed (unless <paramref name="route"/> is false).</summary>
    /// <returns>The routing decision, or null when not routed (or held for duplicate review).</returns>
    /// <exception cref="EntityNotFoundException">The lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    public async Task<RoutingDecision?> QualifyAsync(TenantId tenant, LeadId id, LeadQualification qualification, string actor, bool route = true, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.qualify", tenant, id);
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.Qualify(qualification, actor, _clock);
        WorkflowLog.Qualified(_logger, id.Value, tenant.Value);
        var before = lead.Checkpoint();
        var decision = route ? await _router.RouteAsync(lead, _clock, cancellationToken).ConfigureAwait(false) : null;
        decision = await _router.SaveRoutedAsync(lead, decision, before, _clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
        await _router.CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(TelemetryTags.Outcome, decision is null ? "not_routed" : WorkflowMetrics.Outcome(decision.Outcome));
        return decision;
    }

    /// <summary>Assigns a lead to a partner by hand (counts for round robin like a routed assignment).</summary>
    /// <exception cref="EntityNotFoundException">The lead or the partner does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>, <see cref="OpportunityErrorCodes.PartnerNotFound"/>).</exception>
    /// <exception cref="DomainRuleException">The partner is inactive (<see cref="OpportunityErrorCodes.PartnerInactive"/>), or already rejected the lead (<see cref="OpportunityErrorCodes.ExcludedPartner"/>).</exception>
    /// <exception cref="PartnerAtCapacityException">The partner is at its capacity of open leads; nothing was saved.</exception>
    public async Task AssignManuallyAsync(TenantId tenant, LeadId id, PartnerId partner, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var target = await _partners.FindAsync(tenant, partner, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            throw EntityNotFoundException.ForPartner(tenant, partner);
        }

        if (!target.IsActive)
        {
            throw new DomainRuleException(OpportunityErrorCodes.PartnerInactive, $"Partner '{partner}' is inactive in tenant '{tenant}'.");
        }

        _router.Assign(lead, target, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        _loads.RecordAssignment(tenant, partner, _clock.GetCurrentInstant());
    }

    /// <summary>Disqualifies a lead with a reason (terminal).</summary>
    /// <exception cref="EntityNotFoundException">The lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    public async Task DisqualifyAsync(TenantId tenant, LeadId id, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var holder = lead.State is LeadState.Assigned or LeadState.Accepted ? lead.AssignedPartner : null;
        lead.Disqualify(reason, actor, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        if (holder is { } partner)
        {
            _loads.RecordRelease(tenant, partner);
        }
    }

    /// <summary>
    /// Merges the duplicate lead <paramref name="duplicate"/> into <paramref name="survivor"/> (the manufacturer's
    /// decision, e.g. after a capture was held for duplicate review): the duplicate ends
    /// <see cref="LeadState.Merged"/>, pointing to the survivor, which lists it in <see cref="Lead.MergedLeads"/>;
    /// both keep their own history (events, field history, routing decisions), linked both ways. Both
    /// leads are saved in one transaction (<see cref="ILeadMergeStore"/>). See docs/routing.md#merging-duplicate-leads.
    /// </summary>
    /// <returns>The survivor, saved.</returns>
    /// <exception cref="EntityNotFoundException">Either lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    /// <exception cref="DomainRuleException">The duplicate is the survivor (<see cref="OpportunityErrorCodes.MergeIntoItself"/>), converted (<see cref="OpportunityErrorCodes.MergeOfConvertedLead"/>) or held by a partner (<see cref="OpportunityErrorCodes.MergeOfHeldLead"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">The survivor is Merged or Disqualified, or the duplicate is Merged already.</exception>
    /// <exception cref="ConcurrencyException">Either lead was saved by somebody else meanwhile; nothing was written.</exception>
    /// <exception cref="NotSupportedException">The store has no <see cref="ILeadMergeStore"/>.</exception>
    public async Task<Lead> MergeAsync(TenantId tenant, LeadId survivor, LeadId duplicate, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var merges = _merges
            ?? throw new NotSupportedException($"The store has no {nameof(ILeadMergeStore)} (neither registered nor implemented by {_leads.GetType().Name}), which saves both leads of a merge in one transaction.");
        var kept = await _leads.GetAsync(tenant, survivor, cancellationToken).ConfigureAwait(false);
        var merged = survivor == duplicate ? kept : await _leads.GetAsync(tenant, duplicate, cancellationToken).ConfigureAwait(false);
        kept.MergeIn(merged, reason, actor, _clock);
        await merges.MergeAsync(kept, merged, cancellationToken).ConfigureAwait(false);
        return kept;
    }
}
