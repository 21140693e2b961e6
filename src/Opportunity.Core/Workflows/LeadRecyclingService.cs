using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Workflows;

/// <summary>
/// Leads come back (docs/routing.md#leads-come-back): a lead at a dead end (rejected by every
/// partner, recalled, unroutable, disqualified, an expired registration) or a lost deal is recycled
/// into nurture and routed again after the cooldown (<see cref="DueWorkProcessor"/>), and the
/// manufacturer's queue of unroutable leads is routed again when a partner is added, activated,
/// gets more capacity or covers more (<see cref="SavePartnerAsync"/>).
/// </summary>
public sealed class LeadRecyclingService
{
    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerDirectory _partners;
    private readonly IRoutingNetworkProvider _networks;
    private readonly LeadRouter _router;
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;

    /// <summary>Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>).</summary>
    public LeadRecyclingService(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        IRoutingNetworkProvider networks,
        LeadRouter router,
        IClock clock,
        IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _opportunities = opportunities;
        _partners = partners;
        _networks = networks;
        _router = router;
        _clock = clock;
        _options = options;
    }

    private LeadDistributionOptions Options => _options.Value;

    /// <summary>
    /// Recycles a Rejected, SlaExpired, Unroutable, Disqualified or RegistrationExpired lead into
    /// nurture; after <see cref="LeadRecyclingPolicy.Cooldown"/> of the manufacturer's working time it is
    /// routed again (partners that rejected it or let it expire are still not offered it).
    /// </summary>
    /// <exception cref="EntityNotFoundException">The lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is in another state.</exception>
    /// <exception cref="DomainRuleException">The lead was recycled <see cref="LeadRecyclingPolicy.MaxRecycles"/> times already (<see cref="OpportunityErrorCodes.RecycleLimitReached"/>).</exception>
    public async Task<Lead> RecycleAsync(TenantId tenant, LeadId id, string reason, string actor, CancellationToken cancellationToken = default)
    {
        using var activity = TelemetryTags.StartLeadSpan("opportunity.lead.recycle", tenant, id);
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var policy = Options.Recycling;
        lead.Recycle(reason, policy.MaxRecycles, policy.ReturnsAt(_clock.GetCurrentInstant(), Options.FallbackCalendar), actor, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        return lead;
    }

    /// <summary>
    /// Makes a new lead of a deal closed lost, linked to it (<see cref="LeadRecycling.LostDeal"/>), with
    /// the customer's details of the deal's source lead (or <paramref name="details"/>); it rests in
    /// nurture for the cooldown, then is routed. Its id is the deal's id with <c>-recycled</c>
    /// appended, so a deal is recycled once.
    /// </summary>
    /// <exception cref="EntityNotFoundException">The deal does not exist (<see cref="OpportunityErrorCodes.OpportunityNotFound"/>).</exception>
    /// <exception cref="DomainRuleException">The deal is open or won (<see cref="OpportunityErrorCodes.DealNotLost"/>), or it has no source lead and no details were given (<see cref="OpportunityErrorCodes.DealWithoutLead"/>).</exception>
    /// <exception cref="ConflictException">The deal was recycled already (<see cref="OpportunityErrorCodes.DealAlreadyRecycled"/>).</exception>
    public async Task<Lead> RecycleLostDealAsync(TenantId tenant, OpportunityId deal, string reason, string actor, LeadDetails? details = null, CancellationToken cancellationToken = default)
    {
        var scope = AccessScope.Manufacturer(tenant);
        var opportunity = await _opportunities.FindAsync(scope, deal, cancellationToken).ConfigureAwait(false)
            ?? throw EntityNotFoundException.ForOpportunity(tenant, deal);
        if (opportunity.Stage.Kind != StageKind.Lost)
        {
            throw new DomainRuleException(OpportunityErrorCodes.DealNotLost, $"Opportunity '{deal}' is in stage '{opportunity.Stage.Name}'; only a deal closed lost can be recycled.");
        }

        var id = RecycledLeadId(deal);
        if (await _leads.FindAsync(scope, id, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new ConflictException(OpportunityErrorCodes.DealAlreadyRecycled, $"Opportunity '{deal}' was recycled into lead '{id}' already.");
        }

        if (details is null && opportunity.SourceLead is { } source)
        {
            details = (await _leads.FindAsync(scope, source, cancellationToken).ConfigureAwait(false))?.Details;
        }

        if (details is null)
        {
            throw new DomainRuleException(OpportunityErrorCodes.DealWithoutLead, $"Opportunity '{deal}' has no source lead to take the customer from; pass the customer's details.");
        }

        var returnsAt = Options.Recycling.ReturnsAt(_clock.GetCurrentInstant(), Options.FallbackCalendar);
        var lead = Lead.RecycleLostDeal(tenant, id, details, deal, reason, returnsAt, actor, _clock);
        try
        {
            await _leads.AddAsync(lead, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyException ex)
        {
            // Another caller recycled it between the look-up and the add.
            throw new ConflictException(OpportunityErrorCodes.DealAlreadyRecycled, $"Opportunity '{deal}' was recycled into lead '{id}' already.", null, ex);
        }

        return lead;
    }

    /// <summary>The id of the lead a lost deal is recycled into.</summary>
    public static LeadId RecycledLeadId(OpportunityId deal) => new(deal.Value + "-recycled");

    /// <summary>
    /// Saves a partner and, when the change can give queued leads a home — the partner is new and
    /// active, was activated, got more (or unlimited) capacity, or changed what it covers
    /// (territories, product lines, languages, certifications) while active — routes the tenant's
    /// queue of unroutable leads again at once (<see cref="RouteQueueAsync"/>). Use it instead of
    /// <see cref="IPartnerDirectory.UpsertAsync"/> wherever partners are maintained.
    /// </summary>
    /// <returns>How many queued leads went to a partner.</returns>
    public async Task<int> SavePartnerAsync(Partner partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var before = await _partners.FindAsync(partner.Tenant, partner.Id, cancellationToken).ConfigureAwait(false);
        await _partners.UpsertAsync(partner, cancellationToken).ConfigureAwait(false);
        _networks.Invalidate(partner.Tenant);
        return OpensRoom(before, partner) ? await RouteQueueAsync(partner.Tenant, cancellationToken).ConfigureAwait(false) : 0;
    }

    /// <summary>
    /// Routes every unroutable lead of the tenant's queue again (except those held for duplicate
    /// review); a lead another host changed meanwhile is left to it.
    /// </summary>
    /// <returns>How many queued leads went to a partner (assigned or broadcast).</returns>
    public async Task<int> RouteQueueAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var queued = new List<Lead>();
        await foreach (var lead in _leads.QueryAsync(AccessScope.Manufacturer(tenant), new LeadQuery { States = [LeadState.Unroutable] }, cancellationToken).ConfigureAwait(false))
        {
            if (!_router.IsHeldForReview(lead))
            {
                queued.Add(lead);
            }
        }

        var routed = 0;
        foreach (var lead in queued)
        {
            var before = lead.Checkpoint();
            var decision = await _router.RouteAsync(lead, _clock, cancellationToken).ConfigureAwait(false);
            try
            {
                decision = await _router.SaveRoutedAsync(lead, decision, before, _clock, () => _leads.UpdateAsync(lead, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyException)
            {
                continue; // due work or a person routed it first; theirs stands
            }

            await _router.CommitAsync(tenant, decision, cancellationToken).ConfigureAwait(false);
            routed += lead.State is LeadState.Assigned or LeadState.Offered ? 1 : 0;
        }

        return routed;
    }

    private static bool OpensRoom(Partner? before, Partner after)
    {
        if (!after.IsActive)
        {
            return false;
        }

        if (before is null || !before.IsActive)
        {
            return true;
        }

        var moreCapacity = after.Capacity != before.Capacity && (after.Capacity is not { } cap || (before.Capacity is { } old && cap > old));
        return moreCapacity
            || !after.Territories.SequenceEqual(before.Territories)
            || !after.ProductLines.SetEquals(before.ProductLines)
            || !after.Languages.SetEquals(before.Languages)
            || !after.Certifications.SetEquals(before.Certifications);
    }
}
