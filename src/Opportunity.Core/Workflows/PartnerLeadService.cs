using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// What a partner does with the leads it was given: read them through
/// <see cref="PartnerLeadView"/>s (contact data hidden until it accepts), accept or reject (a
/// rejection re-routes the lead without it, through <see cref="LeadRouter"/>), report activity,
/// and convert an accepted lead into a <see cref="SalesOpportunity"/>. Each method checks that the
/// lead is the partner's; call them with the signed-in partner's id, never one from the request.
/// </summary>
public sealed class PartnerLeadService
{
    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerLoadProvider _loads;
    private readonly LeadRouter _router;
    private readonly PipelineCatalog _pipelines;
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;
    private readonly ILogger _logger;
    private readonly ILeadConversionStore? _conversions;

    /// <summary>
    /// Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>); the logger is optional.
    /// <paramref name="conversions"/> converts a lead and adds its opportunity in one transaction (the store's
    /// <see cref="StorePorts.Conversions"/>); without it the lead or opportunity store is used when it is one.
    /// </summary>
    public PartnerLeadService(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerLoadProvider loads,
        LeadRouter router,
        PipelineCatalog pipelines,
        IClock clock,
        IOptions<LeadDistributionOptions> options,
        ILogger<PartnerLeadService>? logger = null,
        ILeadConversionStore? conversions = null)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(pipelines);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _opportunities = opportunities;
        _loads = loads;
        _router = router;
        _pipelines = pipelines;
        _clock = clock;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _conversions = conversions ?? opportunities as ILeadConversionStore ?? leads as ILeadConversionStore;
    }

    private LeadDistributionOptions Options => _options.Value;

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
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
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
            (await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false)).Accept(partner, _clock);
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
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The partner reports activity on an accepted lead as a note (a <see cref="SalesActivityKind.Note"/> activity); the follow-up clock restarts.</summary>
    /// <exception cref="AccessDeniedException">The lead is not worked by this partner (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    public Task RecordActivityAsync(TenantId tenant, PartnerId partner, LeadId id, string note, CancellationToken cancellationToken = default) =>
        WorkAsync(tenant, partner, id, lead => lead.RecordActivity(note, partner.Value, _clock), cancellationToken);

    /// <summary>The partner records a typed activity (call, meeting, e-mail, task, next step) on its accepted lead; the follow-up clock restarts from the lead's last activity.</summary>
    /// <returns>The activity as stored, with its number.</returns>
    /// <exception cref="EntityNotFoundException">The lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    /// <exception cref="AccessDeniedException">The lead is not worked by this partner (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="InputValidationException">The activity breaks a rule (the error names the field).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    public async Task<SalesActivity> RecordActivityAsync(TenantId tenant, PartnerId partner, LeadId id, SalesActivityDraft activity, CancellationToken cancellationToken = default)
    {
        SalesActivity? recorded = null;
        await WorkAsync(tenant, partner, id, lead => recorded = lead.RecordActivity(activity, partner.Value, _clock), cancellationToken).ConfigureAwait(false);
        return recorded!;
    }

    /// <summary>The partner completes an open task on its accepted lead with the outcome.</summary>
    /// <exception cref="AccessDeniedException">The lead is not worked by this partner (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="InvalidInputException">No open task has the number (field <c>number</c>).</exception>
    public Task CompleteTaskAsync(TenantId tenant, PartnerId partner, LeadId id, int number, string outcome, CancellationToken cancellationToken = default) =>
        WorkAsync(tenant, partner, id, lead => lead.CompleteTask(number, outcome, partner.Value, _clock), cancellationToken);

    private async Task WorkAsync(TenantId tenant, PartnerId partner, LeadId id, Action<Lead> work, CancellationToken cancellationToken)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (lead.AssignedPartner != partner)
        {
            throw new AccessDeniedException(OpportunityErrorCodes.PartnerNotAssigned, partner, nameof(Lead), id.Value, $"Lead '{id}' is not worked by partner '{partner}'.");
        }

        work(lead);
        // A registered lead stays due at its expiry warning and protection end, whatever the follow-up says.
        lead.ScheduleNextDue(RegistrationTimers.NextDue(lead, Options.FollowUps.FirstDue(lead.LastActivityAt)));
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
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
    /// <exception cref="NotSupportedException">The store has no <see cref="ILeadConversionStore"/>.</exception>
    public async Task<SalesOpportunity> ConvertAsync(TenantId tenant, PartnerId partner, LeadId id, OpportunityId opportunityId, LocalDate expectedClose, Money? amount = null, string? pipelineId = null, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.convert", tenant, id);
        activity?.SetTag(TelemetryTags.Partner, partner.Value);
        var conversions = _conversions
            ?? throw new NotSupportedException($"The store has no {nameof(ILeadConversionStore)} (neither registered nor implemented by {_opportunities.GetType().Name}), which converts a lead and adds its opportunity in one transaction.");
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
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
            CustomerKeys = DuplicateKeys.Normalised(lead.Details),
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
            var current = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
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

        while (lead.State == LeadState.Accepted && lead.AssignedPartner == partner)
        {
            lead.Convert(existing.Id, partner.Value, _clock);
            try
            {
                await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
                _loads.RecordRelease(lead.Tenant, partner);
                break;
            }
            catch (ConcurrencyException)
            {
                // The lead was read before another host converted it into this opportunity (or adopted
                // the orphan): what is stored now decides whether anything is left to do.
                lead = await _leads.GetAsync(lead.Tenant, lead.Id, cancellationToken).ConfigureAwait(false);
            }
        }

        return existing;
    }
}
