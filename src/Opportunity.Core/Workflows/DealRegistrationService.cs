using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;

namespace Opportunity.Workflows;

/// <summary>
/// Deals partners register themselves: a registration is checked against the same duplicate rules
/// as a captured lead (a collision with a deal another partner works is a channel conflict), and
/// the manufacturer approves it (the registering partner then owns the accepted lead) or rejects it.
/// </summary>
public sealed class DealRegistrationService
{
    private readonly ILeadStore _leads;
    private readonly IPartnerLoadProvider _loads;
    private readonly LeadDuplicateFinder _duplicates;
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;

    /// <summary>Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>).</summary>
    public DealRegistrationService(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerLoadProvider loads,
        IClock clock,
        IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _loads = loads;
        _duplicates = new LeadDuplicateFinder(leads, opportunities, options);
        _clock = clock;
        _options = options;
    }

    private LeadDistributionOptions Options => _options.Value;

    /// <summary>
    /// A partner registers a deal of its own. It is checked against the same duplicate rules; a
    /// collision with a deal another partner works is a channel conflict (see
    /// <see cref="CaptureResult.IsChannelConflict"/>). The manufacturer approves or rejects it.
    /// </summary>
    public async Task<CaptureResult> RegisterDealAsync(TenantId tenant, PartnerId partner, LeadId id, LeadDetails details, CancellationToken cancellationToken = default)
    {
        var lead = Lead.Register(tenant, id, details, partner, _clock);
        var duplicate = await _duplicates.FindAsync(tenant, id, details, cancellationToken).ConfigureAwait(false);
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
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
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
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.RejectRegistration(reason, actor, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
    }
}
