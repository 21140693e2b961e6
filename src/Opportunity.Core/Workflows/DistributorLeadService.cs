using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Opportunity.Diagnostics;
using Opportunity.Forecasting;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// Two-tier distribution (docs/channel.md, "Two tiers"): what a distributor does with the leads the
/// manufacturer routed to it — route one on to a reseller below it (by a rule set of its own, or
/// naming the reseller) instead of accepting it itself — and what it sees: its resellers' leads,
/// redacted as <see cref="LeadDistributionOptions.Privacy"/> says, and their pipeline. Each method
/// checks the distributor holds the lead or the reseller is below it; call them with the signed-in
/// partner's id, never one from the request.
/// </summary>
public sealed class DistributorLeadService
{
    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerDirectory _partners;
    private readonly IRoutingRuleSetProvider _ruleSets;
    private readonly IPartnerLoadProvider _loads;
    private readonly IPartnerPerformanceProvider _performance;
    private readonly LeadRouter _router;
    private readonly NodaTime.IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;
    private readonly IOptions<OpportunityManagementOptions> _management;

    /// <summary>Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>).</summary>
    public DistributorLeadService(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        IRoutingRuleSetProvider ruleSets,
        IPartnerLoadProvider loads,
        IPartnerPerformanceProvider performance,
        LeadRouter router,
        NodaTime.IClock clock,
        IOptions<LeadDistributionOptions> options,
        IOptions<OpportunityManagementOptions> management)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(ruleSets);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(performance);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(management);
        _leads = leads;
        _opportunities = opportunities;
        _partners = partners;
        _ruleSets = ruleSets;
        _loads = loads;
        _performance = performance;
        _router = router;
        _clock = clock;
        _options = options;
        _management = management;
    }

    /// <summary>The tenant's partner tree, read from the partner directory.</summary>
    public async Task<PartnerHierarchy> GetHierarchyAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var partners = new List<Partner>();
        await foreach (var partner in _partners.ListAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            partners.Add(partner);
        }

        return PartnerHierarchy.Of(partners);
    }

    /// <summary>
    /// The distributor routes a lead assigned to it on to one of its direct resellers, chosen by
    /// <paramref name="ruleSet"/> (the distributor's own rules; null: the tenant's rule set) among
    /// its active resellers. When the rules pick one reseller the lead waits for it (a
    /// <see cref="LeadRoutedOn"/> event, the reseller's ladder and calendar); otherwise (no reseller
    /// matched, or the rules broadcast) the lead stays with the distributor, which may accept it
    /// itself. The decision is logged like every routing decision.
    /// </summary>
    /// <exception cref="EntityNotFoundException">The lead does not exist.</exception>
    /// <exception cref="AccessDeniedException">The lead is not assigned to <paramref name="distributor"/> (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned.</exception>
    /// <exception cref="PartnerAtCapacityException">The picked reseller filled up meanwhile; nothing was saved.</exception>
    public async Task<RoutingDecision> RouteOnAsync(TenantId tenant, PartnerId distributor, LeadId id, RoutingRuleSet? ruleSet = null, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.route_on", tenant, id);
        activity?.SetTag(TelemetryTags.Partner, distributor.Value);
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.EnsureHeldBy(distributor, "RouteOn");
        var hierarchy = await GetHierarchyAsync(tenant, cancellationToken).ConfigureAwait(false);
        var resellers = new List<Partner>();
        foreach (var child in hierarchy.Children(distributor))
        {
            if (await _partners.FindAsync(tenant, child, cancellationToken).ConfigureAwait(false) is { } reseller)
            {
                resellers.Add(reseller);
            }
        }

        var network = RoutingNetwork.Build(resellers);
        var now = _clock.GetCurrentInstant();
        var attempt = lead.Rejections.Count + lead.ExpiredPartners.Count;
        var request = RoutingRequest.ForLead(lead, now, RoutingRequest.DeriveSeed(_management.Value.RandomSeed, lead.Id, attempt));
        var rules = ruleSet ?? await _ruleSets.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var load = await _loads.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var performance = await _performance.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var decision = rules.Route(request, network, load, performance);
        activity?.SetTag(TelemetryTags.Outcome, decision.Outcome == RoutingOutcome.Assigned ? "routed_on" : "kept");
        if (decision.Outcome == RoutingOutcome.Assigned)
        {
            await SaveRoutedOnAsync(lead, distributor, network.Find(decision.Partner!.Value)!, cancellationToken).ConfigureAwait(false);
            await _router.CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
        }

        return decision;
    }

    /// <summary>The distributor routes a lead assigned to it on to <paramref name="reseller"/>, a partner below it, naming it.</summary>
    /// <exception cref="EntityNotFoundException">The lead or the reseller does not exist.</exception>
    /// <exception cref="AccessDeniedException">The lead is not assigned to <paramref name="distributor"/> (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="DomainRuleException">The reseller is not below the distributor (<see cref="OpportunityErrorCodes.NotAReseller"/>), is inactive (<see cref="OpportunityErrorCodes.PartnerInactive"/>), or rejected the lead before (<see cref="OpportunityErrorCodes.ExcludedPartner"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned.</exception>
    public async Task RouteOnToAsync(TenantId tenant, PartnerId distributor, LeadId id, PartnerId reseller, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.route_on", tenant, id);
        activity?.SetTag(TelemetryTags.Partner, distributor.Value);
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.EnsureHeldBy(distributor, "RouteOn");
        var hierarchy = await GetHierarchyAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (reseller == distributor || !hierarchy.IsWithin(reseller, distributor))
        {
            throw new DomainRuleException(OpportunityErrorCodes.NotAReseller, $"Partner '{reseller}' is not a reseller of distributor '{distributor}'; lead '{id}' stays with the distributor.");
        }

        var target = await _partners.FindAsync(tenant, reseller, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(OpportunityErrorCodes.PartnerNotFound, nameof(Partner), reseller.Value, $"Partner '{reseller}' does not exist.");
        if (!target.IsActive)
        {
            throw new DomainRuleException(OpportunityErrorCodes.PartnerInactive, $"Partner '{reseller}' is inactive; lead '{id}' stays with distributor '{distributor}'.");
        }

        await SaveRoutedOnAsync(lead, distributor, target, cancellationToken).ConfigureAwait(false);
        _loads.RecordAssignment(tenant, reseller, _clock.GetCurrentInstant());
    }

    /// <summary>
    /// The leads a distributor may see: its own (as <see cref="PartnerLeadService.ListForPartnerAsync"/>
    /// shows them) and those held by partners below it, the latter with only the fields
    /// <see cref="LeadPrivacyPolicy.VisibleBeforeAcceptance"/> allows (<see cref="Lead.ViewForDistributor"/>);
    /// <see cref="PartnerLeadView.Partner"/> names the holder. Nothing of other partners.
    /// </summary>
    public async IAsyncEnumerable<PartnerLeadView> ListNetworkLeadsAsync(TenantId tenant, PartnerId distributor, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var hierarchy = await GetHierarchyAsync(tenant, cancellationToken).ConfigureAwait(false);
        var below = hierarchy.Contains(distributor) ? hierarchy.Descendants(distributor).ToHashSet() : [];
        var privacy = _options.Value.Privacy;
        var query = new LeadQuery { States = [LeadState.Assigned, LeadState.Offered, LeadState.Accepted, LeadState.Converted, LeadState.PendingApproval] };
        await foreach (var lead in _leads.QueryAsync(AccessScope.Manufacturer(tenant), query, cancellationToken).ConfigureAwait(false))
        {
            if (lead.ViewFor(distributor, privacy) is { } own)
            {
                yield return own;
                continue;
            }

            // A lead is held by its assigned partner, its offered partners or its registrant; show it once, as the first holder below.
            var holders = lead.State == LeadState.Offered ? lead.Offers : [.. new[] { lead.AssignedPartner, lead.RegisteredBy }.OfType<PartnerId>()];
            if (holders.FirstOrDefault(below.Contains) is var holder && below.Contains(holder) && lead.ViewForDistributor(holder, privacy) is { } view)
            {
                yield return view;
            }
        }
    }

    /// <summary>
    /// The pipeline of the distributor and every partner below it — the deals of nothing else —
    /// read partner by partner through each partner's own <see cref="AccessScope"/>. Group it by
    /// partner for the per-reseller lines, or roll it up with <see cref="Kpis.HierarchyRollup"/>.
    /// </summary>
    public async Task<PipelineSnapshot> GetNetworkPipelineAsync(TenantId tenant, PartnerId distributor, PipelineSnapshotOptions? options = null, CancellationToken cancellationToken = default)
    {
        var hierarchy = await GetHierarchyAsync(tenant, cancellationToken).ConfigureAwait(false);
        var builder = new PipelineSnapshotBuilder(options);
        foreach (var partner in hierarchy.Descendants(distributor).Prepend(distributor))
        {
            var scope = AccessScope.ForPartner(tenant, partner);
            if (_opportunities is IPipelineRowSource source)
            {
                await builder.AddAsync(source, scope, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var query = new OpportunityQuery { IsOpen = builder.Options.IncludeClosedWon ? null : true };
            await foreach (var opportunity in _opportunities.QueryAsync(scope, query, cancellationToken).ConfigureAwait(false))
            {
                builder.Add(opportunity);
            }
        }

        return builder.Build();
    }

    private async Task SaveRoutedOnAsync(Lead lead, PartnerId distributor, Partner reseller, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var ladder = options.Escalation.For(reseller.Tier);
        lead.RouteOn(distributor, reseller.Id, ladder.DueAt(ladder.Steps.Count - 1, _clock.GetCurrentInstant(), reseller.Calendar), _clock);
        lead.ScheduleNextDue(LeadRouter.NextEscalationDue(lead, ladder, [reseller.Calendar]));
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        _loads.RecordRelease(lead.Tenant, distributor);
    }
}
