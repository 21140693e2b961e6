using NodaTime;
using Microsoft.Extensions.Options;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Workflows;

/// <summary>
/// Pauses and resumes the SLA clock of a lead or an opportunity, e.g. while waiting on the customer.
/// While paused, due work does not act on the record (no reminder, escalation, recall, follow-up or
/// registration timer); resuming moves every pending due time by the pause's working time in the
/// business calendar of the partner holding the record (the fallback calendar when none does). The
/// <see cref="ClockPaused"/> and <see cref="ClockResumed"/> events go to the outbox with the save, and
/// the field history keeps each pause (<see cref="HistoryField.SlaClock"/>). See docs/escalation.md.
/// </summary>
public sealed class SlaClockService
{
    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerDirectory _partners;
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;

    /// <summary>Creates the service.</summary>
    public SlaClockService(ILeadStore leads, IOpportunityStore opportunities, IPartnerDirectory partners, IClock clock, IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _opportunities = opportunities;
        _partners = partners;
        _clock = clock;
        _options = options;
    }

    /// <summary>Pauses the lead's clock with a reason.</summary>
    /// <exception cref="EntityNotFoundException">No such lead (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    /// <exception cref="DomainRuleException">Already paused (<see cref="OpportunityErrorCodes.ClockAlreadyPaused"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is Converted or Disqualified.</exception>
    public async Task<Lead> PauseLeadAsync(TenantId tenant, LeadId id, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.PauseClock(reason, actor, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        return lead;
    }

    /// <summary>Resumes the lead's clock; its due times move by the pause's working time in the holder's calendar. Returns that working time.</summary>
    /// <exception cref="EntityNotFoundException">No such lead (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    /// <exception cref="DomainRuleException">The clock runs (<see cref="OpportunityErrorCodes.ClockNotPaused"/>).</exception>
    public async Task<Duration> ResumeLeadAsync(TenantId tenant, LeadId id, string actor, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var holder = lead.AssignedPartner ?? (lead.Offers.Count > 0 ? lead.Offers[0] : lead.RegisteredBy);
        var paused = lead.ResumeClock(await CalendarOfAsync(tenant, holder, cancellationToken).ConfigureAwait(false), actor, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
        return paused;
    }

    /// <summary>Pauses the opportunity's clock with a reason.</summary>
    /// <exception cref="EntityNotFoundException">No such opportunity (<see cref="OpportunityErrorCodes.OpportunityNotFound"/>).</exception>
    /// <exception cref="DomainRuleException">Already paused (<see cref="OpportunityErrorCodes.ClockAlreadyPaused"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    public async Task<SalesOpportunity> PauseOpportunityAsync(TenantId tenant, OpportunityId id, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var opportunity = await GetOpportunityAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        opportunity.PauseClock(reason, actor, _clock);
        await _opportunities.UpdateAsync(opportunity, cancellationToken).ConfigureAwait(false);
        return opportunity;
    }

    /// <summary>Resumes the opportunity's clock; its follow-up moves by the pause's working time in the partner's calendar. Returns that working time.</summary>
    /// <exception cref="EntityNotFoundException">No such opportunity (<see cref="OpportunityErrorCodes.OpportunityNotFound"/>).</exception>
    /// <exception cref="DomainRuleException">The clock runs (<see cref="OpportunityErrorCodes.ClockNotPaused"/>).</exception>
    public async Task<Duration> ResumeOpportunityAsync(TenantId tenant, OpportunityId id, string actor, CancellationToken cancellationToken = default)
    {
        var opportunity = await GetOpportunityAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var paused = opportunity.ResumeClock(await CalendarOfAsync(tenant, opportunity.Partner, cancellationToken).ConfigureAwait(false), actor, _clock);
        await _opportunities.UpdateAsync(opportunity, cancellationToken).ConfigureAwait(false);
        return paused;
    }

    private async Task<SalesOpportunity> GetOpportunityAsync(TenantId tenant, OpportunityId id, CancellationToken cancellationToken) =>
        await _opportunities.FindAsync(AccessScope.Manufacturer(tenant), id, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(OpportunityErrorCodes.OpportunityNotFound, nameof(SalesOpportunity), id.Value, $"Opportunity '{id}' does not exist in tenant '{tenant}'.");

    private async Task<IBusinessCalendar> CalendarOfAsync(TenantId tenant, PartnerId? partner, CancellationToken cancellationToken) =>
        partner is { } id && await _partners.FindAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { } found
            ? found.Calendar
            : _options.Value.FallbackCalendar;
}
