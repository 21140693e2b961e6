using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
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
/// The managed lead distribution workflow: capture (with duplicate detection) → qualify → route →
/// assign with an acceptance deadline → the partner accepts or rejects (rejection re-routes without
/// it) → converts to a <see cref="SalesOpportunity"/>. Partners register deals of their own for
/// the manufacturer to approve, and read leads only through <see cref="PartnerLeadView"/>s, which
/// hide contact data until they accept. Time-based work (escalation, follow-up) is done by
/// <see cref="DueWorkProcessor"/>. Every change is one version-checked save of the lead, whose
/// events reach the outbox in the same transaction.
/// </summary>
public sealed class LeadDistributionService
{
    private static readonly LeadState[] DuplicateCandidateStates =
    [
        LeadState.Captured, LeadState.Qualified, LeadState.Assigned, LeadState.Offered, LeadState.Accepted,
        LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.PendingApproval, LeadState.Converted,
    ];

    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerDirectory _partners;
    private readonly IPartnerLoadProvider _loads;
    private readonly IRoutingDecisionLog _log;
    private readonly PipelineCatalog _pipelines;
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;
    private readonly LeadRouter _router;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>). The logger and
    /// meter factory are optional (docs/observability.md); without a factory the instruments live on
    /// a process-wide meter.
    /// </summary>
    public LeadDistributionService(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        IRoutingRuleSetProvider ruleSets,
        IRoutingNetworkProvider networks,
        IPartnerLoadProvider loads,
        IPartnerPerformanceProvider performance,
        IRoutingDecisionLog log,
        PipelineCatalog pipelines,
        IClock clock,
        IOptions<LeadDistributionOptions> options,
        IOptions<OpportunityManagementOptions> management,
        ILogger<LeadDistributionService>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(ruleSets);
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(performance);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(pipelines);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(management);
        _leads = leads;
        _opportunities = opportunities;
        _partners = partners;
        _loads = loads;
        _log = log;
        _pipelines = pipelines;
        _clock = clock;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Metrics = WorkflowMetrics.For(meterFactory);
        _router = new LeadRouter(ruleSets, networks, loads, performance, log, options, management, _logger, Metrics);
    }

    internal LeadRouter Router => _router;

    /// <summary>The workflow instruments, shared with <see cref="DueWorkProcessor"/>.</summary>
    internal WorkflowMetrics Metrics { get; }

    private LeadDistributionOptions Options => _options.Value;

    /// <summary>Captures a lead; when it duplicates an open lead or opportunity (same company, e-mail domain or phone), links it to that deal.</summary>
    /// <exception cref="ConcurrencyException">A lead with this id exists already.</exception>
    public async Task<CaptureResult> CaptureAsync(TenantId tenant, LeadId id, LeadDetails details, string actor, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.capture", tenant, id);
        var lead = Lead.Capture(tenant, id, details, actor, _clock);
        var duplicate = await FindDuplicateAsync(tenant, id, details, cancellationToken).ConfigureAwait(false);
        if (duplicate is not null)
        {
            lead.LinkDuplicate(duplicate, actor, _clock);
        }

        await _leads.AddAsync(lead, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(TelemetryTags.Outcome, duplicate is null ? "captured" : "duplicate");
        WorkflowLog.Captured(_logger, id.Value, tenant.Value, duplicate?.ExistingLead.Value);
        return new CaptureResult(lead, duplicate);
    }

    /// <summary>Records the qualification; a fully qualified lead is then routed (unless <paramref name="route"/> is false).</summary>
    /// <returns>The routing decision, or null when not routed (or held for duplicate review).</returns>
    public async Task<RoutingDecision?> QualifyAsync(TenantId tenant, LeadId id, LeadQualification qualification, string actor, bool route = true, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.qualify", tenant, id);
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.Qualify(qualification, actor, _clock);
        WorkflowLog.Qualified(_logger, id.Value, tenant.Value);
        var before = lead.Checkpoint();
        var decision = route ? await _router.RouteAsync(lead, _clock, cancellationToken).ConfigureAwait(false) : null;
        decision = await _router.SaveRoutedAsync(lead, decision, before, _clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
        await _router.CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(TelemetryTags.Outcome, decision is null ? "not_routed" : WorkflowMetrics.Outcome(decision.Outcome));
        return decision;
    }

    /// <summary>Routes a Qualified, Rejected, SlaExpired or Unroutable lead with the tenant's rule set.</summary>
    /// <returns>The decision, or null when the lead was held for duplicate review.</returns>
    public async Task<RoutingDecision?> RouteAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var before = lead.Checkpoint();
        var decision = await _router.RouteAsync(lead, _clock, cancellationToken).ConfigureAwait(false);
        decision = await _router.SaveRoutedAsync(lead, decision, before, _clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
        await _router.CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
        return decision;
    }

    /// <summary>Assigns a lead to a partner by hand (counts for round robin like a routed assignment).</summary>
    /// <exception cref="EntityNotFoundException">The lead or the partner does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>, <see cref="OpportunityErrorCodes.PartnerNotFound"/>).</exception>
    /// <exception cref="DomainRuleException">The partner is inactive (<see cref="OpportunityErrorCodes.PartnerInactive"/>), or already rejected the lead (<see cref="OpportunityErrorCodes.ExcludedPartner"/>).</exception>
    /// <exception cref="PartnerAtCapacityException">The partner is at its capacity of open leads; nothing was saved.</exception>
    public async Task AssignManuallyAsync(TenantId tenant, LeadId id, PartnerId partner, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The partner accepts an assigned or broadcast lead (first to accept wins); returns the now complete view.</summary>
    /// <exception cref="EntityNotFoundException">The lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    /// <exception cref="AccessDeniedException">The lead is not assigned or offered to this partner (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="ConflictException">Another partner accepted it first (<see cref="OpportunityErrorCodes.LeadAlreadyAccepted"/>, <see cref="ConflictException.Winner"/> names it) or holds it since this one dropped it (<see cref="OpportunityErrorCodes.LeadReassigned"/>).</exception>
    /// <exception cref="ConcurrencyException">The lead changed otherwise between read and write; nothing was saved.</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned or Offered.</exception>
    /// <exception cref="PartnerAtCapacityException">A broadcast offer accepted by a partner already at its capacity of open leads; nothing was saved.</exception>
    public async Task<PartnerLeadView> AcceptAsync(TenantId tenant, PartnerId partner, LeadId id, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.accept", tenant, id);
        activity?.SetTag(TelemetryTags.Partner, partner.Value);
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var wasBroadcast = lead.State == LeadState.Offered;
        lead.Accept(partner, _clock);
        lead.ScheduleNextDue(Options.FollowUps.FirstDue(lead.LastActivityAt));
        try
        {
            await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            // Lost a race. Accepting the stored lead again (and discarding it) tells a partner that another
            // accepted meanwhile (the conflict naming the winner); any other change stays a concurrency error.
            (await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false)).Accept(partner, _clock);
            throw;
        }

        if (wasBroadcast)
        {
            _loads.RecordAssignment(tenant, partner, lead.AcceptedAt!.Value);
        }

        activity?.SetTag(TelemetryTags.Outcome, "accepted");
        WorkflowLog.Accepted(_logger, id.Value, tenant.Value, partner.Value);
        return lead.ViewFor(partner, Options.Privacy)!;
    }

    /// <summary>The partner rejects a lead with a reason; the lead is re-routed without it (for a broadcast, once every partner declined).</summary>
    /// <returns>The re-routing decision, or null when the lead stays offered to other partners.</returns>
    public async Task<RoutingDecision?> RejectAsync(TenantId tenant, PartnerId partner, LeadId id, string reason, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.reject", tenant, id);
        activity?.SetTag(TelemetryTags.Partner, partner.Value);
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var wasAssigned = lead.State == LeadState.Assigned;
        lead.Reject(partner, reason, _clock);
        WorkflowLog.Rejected(_logger, id.Value, tenant.Value, partner.Value);
        var before = lead.Checkpoint();
        var decision = lead.State == LeadState.Rejected ? await _router.RouteAsync(lead, _clock, cancellationToken).ConfigureAwait(false) : null;
        decision = await _router.SaveRoutedAsync(lead, decision, before, _clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (wasAssigned)
        {
            _loads.RecordRelease(tenant, partner);
        }

        await _router.CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(TelemetryTags.Outcome, decision is null ? "offered_to_others" : "rerouted");
        return decision;
    }

    /// <summary>The partner reports activity on an accepted lead; the follow-up clock restarts.</summary>
    /// <exception cref="AccessDeniedException">The lead is not worked by this partner (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    public async Task RecordActivityAsync(TenantId tenant, PartnerId partner, LeadId id, string note, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (lead.AssignedPartner != partner)
        {
            throw new AccessDeniedException(OpportunityErrorCodes.PartnerNotAssigned, partner, nameof(Lead), id.Value, $"Lead '{id}' is not worked by partner '{partner}'.");
        }

        lead.RecordActivity(note, partner.Value, _clock);
        lead.ScheduleNextDue(Options.FollowUps.FirstDue(lead.LastActivityAt));
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disqualifies a lead with a reason (terminal).</summary>
    public async Task DisqualifyAsync(TenantId tenant, LeadId id, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var holder = lead.State is LeadState.Assigned or LeadState.Accepted ? lead.AssignedPartner : null;
        lead.Disqualify(reason, actor, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        if (holder is { } partner)
        {
            _loads.RecordRelease(tenant, partner);
        }
    }

    /// <summary>
    /// The lead as <paramref name="partner"/> may see it (redacted before acceptance), or null when it
    /// may not see it at all. Partner-facing code reads leads only through this and <see cref="ListForPartnerAsync"/>.
    /// </summary>
    public async Task<PartnerLeadView?> FindForPartnerAsync(TenantId tenant, PartnerId partner, LeadId id, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.FindAsync(AccessScope.Manufacturer(tenant), id, cancellationToken).ConfigureAwait(false);
        return lead?.ViewFor(partner, Options.Privacy);
    }

    /// <summary>Every lead <paramref name="partner"/> may see: offers, assignments, accepted leads and its own registrations, redacted as the policy says.</summary>
    public async IAsyncEnumerable<PartnerLeadView> ListForPartnerAsync(TenantId tenant, PartnerId partner, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new LeadQuery { States = [LeadState.Assigned, LeadState.Offered, LeadState.Accepted, LeadState.Converted, LeadState.PendingApproval] };
        await foreach (var lead in _leads.QueryAsync(AccessScope.Manufacturer(tenant), query, cancellationToken).ConfigureAwait(false))
        {
            if (lead.ViewFor(partner, Options.Privacy) is { } view)
            {
                yield return view;
            }
        }
    }

    /// <summary>
    /// A partner registers a deal of its own. It is checked against the same duplicate rules; a
    /// collision with a deal another partner works is a channel conflict (see
    /// <see cref="CaptureResult.IsChannelConflict"/>). The manufacturer approves or rejects it.
    /// </summary>
    public async Task<CaptureResult> RegisterDealAsync(TenantId tenant, PartnerId partner, LeadId id, LeadDetails details, CancellationToken cancellationToken = default)
    {
        var lead = Lead.Register(tenant, id, details, partner, _clock);
        var duplicate = await FindDuplicateAsync(tenant, id, details, cancellationToken).ConfigureAwait(false);
        if (duplicate is not null)
        {
            lead.LinkDuplicate(duplicate, partner.Value, _clock);
        }

        await _leads.AddAsync(lead, cancellationToken).ConfigureAwait(false);
        return new CaptureResult(lead, duplicate);
    }

    /// <summary>The manufacturer approves a deal registration: the registering partner owns the accepted lead.</summary>
    /// <exception cref="ConflictException">Another partner works the same deal and <paramref name="overrideConflict"/> is false (<see cref="OpportunityErrorCodes.ChannelConflict"/>; <see cref="ConflictException.Winner"/> is the working partner).</exception>
    /// <exception cref="PartnerAtCapacityException">The registering partner is at its capacity of open leads; nothing was saved.</exception>
    public async Task ApproveDealAsync(TenantId tenant, LeadId id, string actor, bool overrideConflict = false, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (!overrideConflict && new CaptureResult(lead, lead.DuplicateOf).IsChannelConflict)
        {
            throw new ConflictException(OpportunityErrorCodes.ChannelConflict, $"Deal registration '{id}' of partner '{lead.RegisteredBy}' collides with lead '{lead.DuplicateOf!.ExistingLead}' worked by partner '{lead.DuplicateOf.WorkingPartner}'; approve with overrideConflict to give it to the registrant anyway.", lead.DuplicateOf.WorkingPartner);
        }

        lead.ApproveRegistration(actor, _clock);
        lead.ScheduleNextDue(Options.FollowUps.FirstDue(lead.LastActivityAt));
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        _loads.RecordAssignment(tenant, lead.AssignedPartner!.Value, lead.AssignedAt!.Value);
    }

    /// <summary>The manufacturer rejects a deal registration with a reason.</summary>
    public async Task RejectDealAsync(TenantId tenant, LeadId id, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.RejectRegistration(reason, actor, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The partner converts its accepted lead into a sales opportunity (amount: the given one, else
    /// the lead's estimated value). Exactly once per lead: the opportunity, the converted lead and
    /// both aggregates' events are written in one transaction (<see cref="ILeadConversionStore"/>),
    /// and the store keeps one opportunity per lead. So a retry (after a timeout or a crash, with the
    /// same or a new <paramref name="opportunityId"/>) and a second host converting the same lead at
    /// the same time both get the opportunity that was created first, whatever id they passed;
    /// compare its <see cref="SalesOpportunity.Id"/> with yours to tell.
    /// </summary>
    /// <returns>The opportunity converted from the lead: the new one, or the one converted earlier.</returns>
    /// <exception cref="EntityNotFoundException">The lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>), or <paramref name="pipelineId"/> is not in the catalog (<see cref="OpportunityErrorCodes.PipelineNotFound"/>).</exception>
    /// <exception cref="AccessDeniedException">The lead is not the partner's (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is the partner's but neither Accepted nor Converted.</exception>
    /// <exception cref="InvalidInputException">The lead has no estimated value and no <paramref name="amount"/> was passed (<see cref="OpportunityErrorCodes.AmountRequired"/>, field <c>amount</c>).</exception>
    /// <exception cref="ConflictException">The lead was converted into an opportunity of another partner (<see cref="OpportunityErrorCodes.LeadAlreadyConverted"/>, <see cref="ConflictException.Winner"/> names it).</exception>
    /// <exception cref="ConcurrencyException">An opportunity with <paramref name="opportunityId"/> exists already (from another lead), or the lead changed meanwhile; nothing was written.</exception>
    /// <exception cref="NotSupportedException">The opportunity store does not implement <see cref="ILeadConversionStore"/>.</exception>
    public async Task<SalesOpportunity> ConvertAsync(TenantId tenant, PartnerId partner, LeadId id, OpportunityId opportunityId, LocalDate expectedClose, Money? amount = null, string? pipelineId = null, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.convert", tenant, id);
        activity?.SetTag(TelemetryTags.Partner, partner.Value);
        var conversions = _opportunities as ILeadConversionStore ?? _leads as ILeadConversionStore
            ?? throw new NotSupportedException($"The opportunity store ({_opportunities.GetType().Name}) does not implement {nameof(ILeadConversionStore)}, which converts a lead and adds its opportunity in one transaction.");
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (lead.AssignedPartner != partner)
        {
            throw new AccessDeniedException(OpportunityErrorCodes.PartnerNotAssigned, partner, nameof(Lead), id.Value, $"Lead '{id}' is not worked by partner '{partner}'.");
        }

        if (lead.State is not (LeadState.Accepted or LeadState.Converted))
        {
            throw new InvalidStateTransitionException(nameof(Lead), id.Value, lead.State.ToString(), $"Convert (by partner '{partner}')");
        }

        var existing = await conversions.FindConvertedFromAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (existing is null && lead.ConvertedTo is { } convertedTo)
        {
            // Converted before the store indexed source leads, and not the opportunity it kept for the lead.
            existing = await _opportunities.FindAsync(AccessScope.Manufacturer(tenant), convertedTo, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidStateTransitionException(nameof(Lead), id.Value, lead.State.ToString(), $"Convert (by partner '{partner}'): opportunity '{convertedTo}' is missing");
        }

        if (existing is not null)
        {
            activity?.SetTag(TelemetryTags.Outcome, "already_converted");
            activity?.SetTag(TelemetryTags.OpportunityId, existing.Id.Value);
            return await AdoptAsync(lead, partner, existing, cancellationToken).ConfigureAwait(false);
        }

        var value = amount ?? lead.Details.EstimatedValue
            ?? throw new InvalidInputException(OpportunityErrorCodes.AmountRequired, "amount", $"Lead '{id}' has no estimated value; pass the opportunity amount.");
        var draft = new SalesOpportunityDraft(partner, value, expectedClose)
        {
            Name = lead.Details.Company,
            ProductLine = lead.Details.ProductInterest,
            Region = lead.Details.Location.Country?.Code,
            SourceLead = id,
        };
        var definition = pipelineId is null ? _pipelines.Get(PipelineDefinition.Default.Id) : _pipelines.Get(pipelineId);
        var opportunity = SalesOpportunity.Open(tenant, opportunityId, draft, definition, partner.Value, _clock);
        opportunity.ScheduleNextDue(Options.FollowUps.FirstDue(opportunity.LastActivityAt));
        lead.Convert(opportunityId, partner.Value, _clock);
        var stored = await conversions.ConvertAsync(lead, opportunity, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(stored, opportunity))
        {
            // Another host converted the lead between our read and our write; nothing of ours was written.
            activity?.SetTag(TelemetryTags.Outcome, "already_converted");
            activity?.SetTag(TelemetryTags.OpportunityId, stored.Id.Value);
            var current = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            return await AdoptAsync(current, partner, stored, cancellationToken).ConfigureAwait(false);
        }

        _loads.RecordRelease(tenant, partner);
        activity?.SetTag(TelemetryTags.Outcome, "converted");
        activity?.SetTag(TelemetryTags.OpportunityId, opportunityId.Value);
        WorkflowLog.Converted(_logger, id.Value, tenant.Value, partner.Value, opportunityId.Value);
        return opportunity;
    }

    /// <summary>
    /// Returns the opportunity the lead was converted into earlier. A lead still Accepted next to
    /// it (an orphan left by 0.1.0, which wrote the two in separate transactions) is converted into
    /// it now, so a retry completes the interrupted conversion instead of opening a second deal.
    /// </summary>
    private async Task<SalesOpportunity> AdoptAsync(Lead lead, PartnerId partner, SalesOpportunity existing, CancellationToken cancellationToken)
    {
        if (existing.Partner != partner)
        {
            throw LeadConversionRules.AlreadyConverted(lead.Tenant, lead.Id, existing.Id, existing.Partner);
        }

        if (lead.State == LeadState.Accepted && lead.AssignedPartner == partner)
        {
            lead.Convert(existing.Id, partner.Value, _clock);
            await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
            _loads.RecordRelease(lead.Tenant, partner);
        }

        return existing;
    }

    /// <summary>Every routing decision made for a lead, oldest first, with its printed trace.</summary>
    public Task<IReadOnlyList<RoutingDecisionRecord>> ExplainAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken = default) =>
        _log.ForLeadAsync(tenant, id, cancellationToken);

    private async Task<Lead> GetAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken) =>
        await _leads.FindAsync(AccessScope.Manufacturer(tenant), id, cancellationToken).ConfigureAwait(false)
            ?? throw EntityNotFoundException.ForLead(tenant, id);

    private async Task<LeadDuplicateLink?> FindDuplicateAsync(TenantId tenant, LeadId id, LeadDetails details, CancellationToken cancellationToken)
    {
        var keys = DuplicateKeys.Of(details, Options.Duplicates);
        if (keys.IsEmpty)
        {
            return null;
        }

        var scope = AccessScope.Manufacturer(tenant);
        (LeadDuplicateLink Link, int Rank, Instant At)? best = null;
        // The store's key index yields only leads sharing a key (ordered by id, as the scan did, so ties
        // resolve the same way); the policy's keys and the ranking below decide which one it is.
        await foreach (var other in _leads.FindDuplicateCandidatesAsync(scope, keys, cancellationToken).ConfigureAwait(false))
        {
            if (other.Id == id || !DuplicateCandidateStates.Contains(other.State))
            {
                continue;
            }

            var shared = keys.SharedWith(DuplicateKeys.Of(other.Details, Options.Duplicates));
            if (shared.Length == 0)
            {
                continue;
            }

            OpportunityId? opportunity = null;
            PartnerId? working = other.State switch
            {
                LeadState.Assigned or LeadState.Accepted => other.AssignedPartner,
                LeadState.PendingApproval => other.RegisteredBy,
                _ => null,
            };
            if (other.State == LeadState.Converted)
            {
                var open = other.ConvertedTo is { } oid ? await _opportunities.FindAsync(scope, oid, cancellationToken).ConfigureAwait(false) : null;
                if (open is null || open.IsClosed)
                {
                    continue; // a closed deal is history, not a conflict
                }

                opportunity = open.Id;
                working = open.Partner;
            }

            var rank = ((working is null ? 0 : 1) * 10) + shared.Split(',').Length;
            if (best is null || rank > best.Value.Rank || (rank == best.Value.Rank && other.CapturedAt > best.Value.At))
            {
                best = (new LeadDuplicateLink(other.Id, opportunity, working, shared), rank, other.CapturedAt);
            }
        }

        return best?.Link;
    }
}
