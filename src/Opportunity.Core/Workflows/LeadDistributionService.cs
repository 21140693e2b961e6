using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using NodaTime;
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

    /// <summary>Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>).</summary>
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
        IOptions<OpportunityManagementOptions> management)
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
        _router = new LeadRouter(ruleSets, networks, loads, performance, log, options, management);
    }

    internal LeadRouter Router => _router;

    private LeadDistributionOptions Options => _options.Value;

    /// <summary>Captures a lead; when it duplicates an open lead or opportunity (same company, e-mail domain or phone), links it to that deal.</summary>
    /// <exception cref="ConcurrencyException">A lead with this id exists already.</exception>
    public async Task<CaptureResult> CaptureAsync(TenantId tenant, LeadId id, LeadDetails details, string actor, CancellationToken cancellationToken = default)
    {
        var lead = Lead.Capture(tenant, id, details, actor, _clock);
        var duplicate = await FindDuplicateAsync(tenant, id, details, cancellationToken).ConfigureAwait(false);
        if (duplicate is not null)
        {
            lead.LinkDuplicate(duplicate, actor, _clock);
        }

        await _leads.AddAsync(lead, cancellationToken).ConfigureAwait(false);
        return new CaptureResult(lead, duplicate);
    }

    /// <summary>Records the qualification; a fully qualified lead is then routed (unless <paramref name="route"/> is false).</summary>
    /// <returns>The routing decision, or null when not routed (or held for duplicate review).</returns>
    public async Task<RoutingDecision?> QualifyAsync(TenantId tenant, LeadId id, LeadQualification qualification, string actor, bool route = true, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.Qualify(qualification, actor, _clock);
        var before = lead.Checkpoint();
        var decision = route ? await _router.RouteAsync(lead, _clock, cancellationToken).ConfigureAwait(false) : null;
        decision = await _router.SaveRoutedAsync(lead, decision, before, _clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
        await _router.CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
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
    /// <exception cref="DomainRuleException">The partner is unknown or inactive (rule <c>AssignablePartner</c>), or already rejected the lead.</exception>
    /// <exception cref="PartnerAtCapacityException">The partner is at its capacity of open leads; nothing was saved.</exception>
    public async Task AssignManuallyAsync(TenantId tenant, LeadId id, PartnerId partner, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var target = await _partners.FindAsync(tenant, partner, cancellationToken).ConfigureAwait(false);
        if (target is not { IsActive: true })
        {
            throw new DomainRuleException("AssignablePartner", $"Partner '{partner}' is unknown or inactive in tenant '{tenant}'.");
        }

        _router.Assign(lead, target, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        _loads.RecordAssignment(tenant, partner, _clock.GetCurrentInstant());
    }

    /// <summary>The partner accepts an assigned or broadcast lead (first to accept wins); returns the now complete view.</summary>
    /// <exception cref="DomainRuleException">The lead is not offered to this partner.</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned or Offered (e.g. another partner won the broadcast).</exception>
    /// <exception cref="PartnerAtCapacityException">A broadcast offer accepted by a partner already at its capacity of open leads; nothing was saved.</exception>
    public async Task<PartnerLeadView> AcceptAsync(TenantId tenant, PartnerId partner, LeadId id, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var wasBroadcast = lead.State == LeadState.Offered;
        lead.Accept(partner, _clock);
        lead.ScheduleNextDue(Options.FollowUps.FirstDue(lead.LastActivityAt));
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        if (wasBroadcast)
        {
            _loads.RecordAssignment(tenant, partner, lead.AcceptedAt!.Value);
        }

        return lead.ViewFor(partner, Options.Privacy)!;
    }

    /// <summary>The partner rejects a lead with a reason; the lead is re-routed without it (for a broadcast, once every partner declined).</summary>
    /// <returns>The re-routing decision, or null when the lead stays offered to other partners.</returns>
    public async Task<RoutingDecision?> RejectAsync(TenantId tenant, PartnerId partner, LeadId id, string reason, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var wasAssigned = lead.State == LeadState.Assigned;
        lead.Reject(partner, reason, _clock);
        var before = lead.Checkpoint();
        var decision = lead.State == LeadState.Rejected ? await _router.RouteAsync(lead, _clock, cancellationToken).ConfigureAwait(false) : null;
        decision = await _router.SaveRoutedAsync(lead, decision, before, _clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (wasAssigned)
        {
            _loads.RecordRelease(tenant, partner);
        }

        await _router.CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
        return decision;
    }

    /// <summary>The partner reports activity on an accepted lead; the follow-up clock restarts.</summary>
    public async Task RecordActivityAsync(TenantId tenant, PartnerId partner, LeadId id, string note, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (lead.AssignedPartner != partner)
        {
            throw new DomainRuleException("AssignedPartnerOnly", $"Lead '{id}' is not worked by partner '{partner}'.");
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
    /// <exception cref="DomainRuleException">Another partner works the same deal and <paramref name="overrideConflict"/> is false (rule <c>ChannelConflict</c>).</exception>
    /// <exception cref="PartnerAtCapacityException">The registering partner is at its capacity of open leads; nothing was saved.</exception>
    public async Task ApproveDealAsync(TenantId tenant, LeadId id, string actor, bool overrideConflict = false, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (!overrideConflict && new CaptureResult(lead, lead.DuplicateOf).IsChannelConflict)
        {
            throw new DomainRuleException("ChannelConflict", $"Deal registration '{id}' of partner '{lead.RegisteredBy}' collides with lead '{lead.DuplicateOf!.ExistingLead}' worked by partner '{lead.DuplicateOf.WorkingPartner}'; approve with overrideConflict to give it to the registrant anyway.");
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
    /// the lead's estimated value). Safe to retry: an opportunity with this id from this lead is reused.
    /// </summary>
    /// <exception cref="DomainRuleException">The lead is not the partner's, or has no amount (rule <c>OpportunityAmount</c>).</exception>
    public async Task<SalesOpportunity> ConvertAsync(TenantId tenant, PartnerId partner, LeadId id, OpportunityId opportunityId, LocalDate expectedClose, Money? amount = null, string? pipelineId = null, CancellationToken cancellationToken = default)
    {
        var lead = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (lead.AssignedPartner != partner || lead.State != LeadState.Accepted)
        {
            throw new InvalidStateTransitionException(nameof(Lead), id.Value, lead.State.ToString(), $"Convert (by partner '{partner}')");
        }

        var scope = AccessScope.Manufacturer(tenant);
        var opportunity = await _opportunities.FindAsync(scope, opportunityId, cancellationToken).ConfigureAwait(false);
        if (opportunity is null || opportunity.SourceLead != id)
        {
            var value = amount ?? lead.Details.EstimatedValue
                ?? throw new DomainRuleException("OpportunityAmount", $"Lead '{id}' has no estimated value; pass the opportunity amount.");
            var draft = new SalesOpportunityDraft(partner, value, expectedClose)
            {
                Name = lead.Details.Company,
                ProductLine = lead.Details.ProductInterest,
                Region = lead.Details.Location.Country?.Code,
                SourceLead = id,
            };
            var definition = pipelineId is null ? _pipelines.Get(PipelineDefinition.Default.Id) : _pipelines.Get(pipelineId);
            opportunity = SalesOpportunity.Open(tenant, opportunityId, draft, definition, partner.Value, _clock);
            opportunity.ScheduleNextDue(Options.FollowUps.FirstDue(opportunity.LastActivityAt));
            await _opportunities.AddAsync(opportunity, cancellationToken).ConfigureAwait(false);
        }

        lead.Convert(opportunityId, partner.Value, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        _loads.RecordRelease(tenant, partner);
        return opportunity;
    }

    /// <summary>Every routing decision made for a lead, oldest first, with its printed trace.</summary>
    public Task<IReadOnlyList<RoutingDecisionRecord>> ExplainAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken = default) =>
        _log.ForLeadAsync(tenant, id, cancellationToken);

    private async Task<Lead> GetAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken) =>
        await _leads.FindAsync(AccessScope.Manufacturer(tenant), id, cancellationToken).ConfigureAwait(false)
            ?? throw new DomainRuleException("UnknownLead", $"Lead '{id}' does not exist in tenant '{tenant}'.");

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
