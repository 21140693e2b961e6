using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;

namespace Opportunity.Workflows;

/// <summary>
/// Deals partners register themselves, as a lifecycle: a registration is checked against the same
/// duplicate rules as a captured lead (a collision with a deal another partner works is a channel
/// conflict; with another partner's registration the <see cref="DealRegistrationPolicy.ConflictRule"/>
/// decides, naming the competing registration), the manufacturer approves it by a deadline (else
/// the <see cref="DueWorkProcessor"/> escalates it) and the approved registration is protected for a
/// period of the registrant's working time, after which it expires unless converted or extended.
/// See docs/channel.md.
/// </summary>
public sealed class DealRegistrationService
{
    private readonly ILeadStore _leads;
    private readonly IPartnerDirectory _partners;
    private readonly IPartnerLoadProvider _loads;
    private readonly LeadDuplicateFinder _duplicates;
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;

    /// <summary>Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>).</summary>
    public DealRegistrationService(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        IPartnerLoadProvider loads,
        IClock clock,
        IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _partners = partners;
        _loads = loads;
        _duplicates = new LeadDuplicateFinder(leads, opportunities, options);
        _clock = clock;
        _options = options;
    }

    private LeadDistributionOptions Options => _options.Value;

    private DealRegistrationPolicy Policy => Options.Registrations;

    /// <summary>
    /// A partner registers a deal of its own; the manufacturer should decide by the policy's
    /// <see cref="DealRegistrationPolicy.ApprovalDeadline"/> (in the partner's working time). It is
    /// checked against the same duplicate rules; a collision with a deal another partner works is a
    /// channel conflict (see <see cref="CaptureResult.IsChannelConflict"/>). When that deal is another
    /// partner's pending or protected registration, the conflict is recorded naming it
    /// (<see cref="DealRegistrationTerms.CompetingRegistration"/>), and under
    /// <see cref="RegistrationConflictRule.FirstRegisteredWins"/> this registration is rejected at once.
    /// </summary>
    public async Task<CaptureResult> RegisterDealAsync(TenantId tenant, PartnerId partner, LeadId id, LeadDetails details, CancellationToken cancellationToken = default)
    {
        var calendar = await CalendarOfAsync(tenant, partner, cancellationToken).ConfigureAwait(false);
        var lead = Lead.Register(tenant, id, details, partner, Policy.ApprovalDueAt(_clock.GetCurrentInstant(), calendar), _clock);
        var duplicate = await _duplicates.FindAsync(tenant, id, details, cancellationToken).ConfigureAwait(false);
        if (duplicate is not null)
        {
            lead.LinkDuplicate(duplicate, partner.Value, _clock);
            var existing = duplicate.ExistingLead is { } existingLead ? await _leads.FindAsync(AccessScope.Manufacturer(tenant), existingLead, cancellationToken).ConfigureAwait(false) : null;
            if (existing is { RegisteredBy: { } competitor, State: LeadState.PendingApproval or LeadState.Accepted } && competitor != partner)
            {
                var rule = Policy.ConflictRule;
                lead.RecordRegistrationConflict(existing.Id, competitor, rule, partner.Value, _clock);
                if (rule == RegistrationConflictRule.FirstRegisteredWins)
                {
                    lead.RejectRegistration($"Deal registration '{existing.Id}' of another partner was registered first.", Options.SystemActor, _clock);
                }
            }
        }

        await _leads.AddAsync(lead, cancellationToken).ConfigureAwait(false);
        return new CaptureResult(lead, duplicate);
    }

    /// <summary>
    /// The manufacturer approves a deal registration: the registering partner owns the accepted lead,
    /// protected for the policy's <see cref="DealRegistrationPolicy.ProtectionPeriod"/> of its working
    /// time, after which it expires unless converted or extended.
    /// </summary>
    /// <exception cref="ConflictException">Another partner works the same deal or registered it, and <paramref name="overrideConflict"/> is false (<see cref="OpportunityErrorCodes.ChannelConflict"/>; <see cref="ConflictException.Winner"/> is that partner, the message names its lead or registration).</exception>
    /// <exception cref="PartnerAtCapacityException">The registering partner is at its capacity of open leads; nothing was saved.</exception>
    public async Task ApproveDealAsync(TenantId tenant, LeadId id, string actor, bool overrideConflict = false, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (!overrideConflict && new CaptureResult(lead, lead.DuplicateOf).IsChannelConflict)
        {
            var what = lead.Registration?.CompetingRegistration is { } competing ? $"registration '{competing}'" : lead.DuplicateOf!.DescribeExisting();
            throw new ConflictException(OpportunityErrorCodes.ChannelConflict, $"Deal registration '{id}' of partner '{lead.RegisteredBy}' collides with {what} of partner '{lead.DuplicateOf!.WorkingPartner}'; approve with overrideConflict to give it to the registrant anyway.", lead.DuplicateOf.WorkingPartner);
        }

        var now = _clock.GetCurrentInstant();
        var calendar = await CalendarOfAsync(tenant, lead.RegisteredBy!.Value, cancellationToken).ConfigureAwait(false);
        var (until, warning) = Policy.Protection(now, Policy.ProtectionPeriod, calendar);
        lead.ApproveRegistration(until, warning, actor, _clock);
        lead.ScheduleNextDue(RegistrationTimers.NextDue(lead, Options.FollowUps.FirstDue(lead.LastActivityAt)));
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

    /// <summary>The registrant asks for a longer protection of its approved registration (at most <see cref="DealRegistrationPolicy.MaxExtensions"/> in all); the manufacturer decides.</summary>
    /// <exception cref="AccessDeniedException">Another partner registered it.</exception>
    /// <exception cref="DomainRuleException">Not an approved registration (<see cref="OpportunityErrorCodes.NotARegistration"/>), a request waits already (<see cref="OpportunityErrorCodes.RegistrationExtensionPending"/>), or no extension is left (<see cref="OpportunityErrorCodes.RegistrationExtensionLimit"/>).</exception>
    public async Task RequestExtensionAsync(TenantId tenant, PartnerId partner, LeadId id, string reason, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.RequestRegistrationExtension(partner, reason, Policy.MaxExtensions, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The manufacturer approves the waiting extension request: the protection runs
    /// <see cref="DealRegistrationPolicy.ExtensionPeriod"/> of the registrant's working time longer,
    /// counted from its current end (or from now, when that has passed and the expiry was not yet processed).
    /// </summary>
    /// <exception cref="DomainRuleException">No request waits (<see cref="OpportunityErrorCodes.RegistrationExtensionNotRequested"/>).</exception>
    public async Task ApproveExtensionAsync(TenantId tenant, LeadId id, string actor, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        var now = _clock.GetCurrentInstant();
        var current = lead.Registration?.ProtectedUntil is { } end && end > now ? end : now;
        var calendar = await CalendarOfAsync(tenant, lead.RegisteredBy ?? lead.AssignedPartner!.Value, cancellationToken).ConfigureAwait(false);
        var (until, warning) = Policy.Protection(current, Policy.ExtensionPeriod, calendar);
        lead.ApproveRegistrationExtension(until, warning, actor, _clock);
        lead.ScheduleNextDue(RegistrationTimers.NextDue(lead, Options.FollowUps.Evaluate(lead.LastActivityAt, now).NextDue));
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The manufacturer declines the waiting extension request with a reason; the protection ends as before.</summary>
    /// <exception cref="DomainRuleException">No request waits (<see cref="OpportunityErrorCodes.RegistrationExtensionNotRequested"/>).</exception>
    public async Task RejectExtensionAsync(TenantId tenant, LeadId id, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var lead = await _leads.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        lead.RejectRegistrationExtension(reason, actor, _clock);
        await _leads.UpdateAsync(lead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IBusinessCalendar> CalendarOfAsync(TenantId tenant, PartnerId partner, CancellationToken cancellationToken) =>
        (await _partners.FindAsync(tenant, partner, cancellationToken).ConfigureAwait(false))?.Calendar ?? Options.FallbackCalendar;
}
