using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Workflows;

/// <summary>
/// What a partner does with its own deals: record typed activities (calls, meetings, e-mails,
/// tasks, next steps), complete tasks, and update the amount, close date, stage and next step. Each
/// method checks that the deal is the partner's (else <see cref="AccessDeniedException"/> with
/// <see cref="OpportunityErrorCodes.PartnerNotAssigned"/>, as <see cref="PartnerLeadService"/> does for
/// leads); call them with the signed-in partner's id, never one from the request. Every change
/// restarts the follow-up clock from the deal's last activity.
/// </summary>
public sealed class PartnerOpportunityService
{
    private readonly IOpportunityStore _opportunities;
    private readonly IClock _clock;
    private readonly IOptions<LeadDistributionOptions> _options;

    /// <summary>Creates the service (normally resolved from DI, see <c>AddLeadDistribution</c>).</summary>
    public PartnerOpportunityService(IOpportunityStore opportunities, IClock clock, IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _opportunities = opportunities;
        _clock = clock;
        _options = options;
    }

    /// <summary>The partner records an activity on its open deal.</summary>
    /// <returns>The activity as stored, with its number.</returns>
    /// <exception cref="EntityNotFoundException">The deal does not exist (<see cref="OpportunityErrorCodes.OpportunityNotFound"/>).</exception>
    /// <exception cref="AccessDeniedException">The deal is not this partner's (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="InputValidationException">The activity breaks a rule (the error names the field).</exception>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    public async Task<SalesActivity> RecordActivityAsync(TenantId tenant, PartnerId partner, OpportunityId id, SalesActivityDraft activity, CancellationToken cancellationToken = default)
    {
        SalesActivity? recorded = null;
        await WorkAsync(tenant, partner, id, null, deal => recorded = deal.RecordActivity(activity, partner.Value, _clock), cancellationToken).ConfigureAwait(false);
        return recorded!;
    }

    /// <summary>The partner completes an open task on its open deal with the outcome.</summary>
    /// <exception cref="EntityNotFoundException">The deal does not exist (<see cref="OpportunityErrorCodes.OpportunityNotFound"/>).</exception>
    /// <exception cref="AccessDeniedException">The deal is not this partner's (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="InvalidInputException">No open task has the number (field <c>number</c>).</exception>
    public Task CompleteTaskAsync(TenantId tenant, PartnerId partner, OpportunityId id, int number, string outcome, CancellationToken cancellationToken = default) =>
        WorkAsync(tenant, partner, id, null, deal => deal.CompleteTask(number, outcome, partner.Value, _clock), cancellationToken);

    /// <summary>The partner updates its open deal's stage, amount, expected close date and next step, saved together.</summary>
    /// <returns>The deal as saved.</returns>
    /// <exception cref="EntityNotFoundException">The deal does not exist (<see cref="OpportunityErrorCodes.OpportunityNotFound"/>).</exception>
    /// <exception cref="AccessDeniedException">The deal is not this partner's (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="ConcurrencyException">The deal is no longer at <see cref="PartnerOpportunityUpdate.ExpectedVersion"/>, or changed meanwhile; nothing was saved.</exception>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    /// <exception cref="DomainRuleException">The stage move or amount change breaks a rule of the deal (closed target stage, unmet exit criteria, an amount derived from lines).</exception>
    public Task<SalesOpportunity> UpdateAsync(TenantId tenant, PartnerId partner, OpportunityId id, PartnerOpportunityUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return WorkAsync(tenant, partner, id, update.ExpectedVersion, deal => Apply(deal, update, partner.Value), cancellationToken);
    }

    private void Apply(SalesOpportunity deal, PartnerOpportunityUpdate update, string actor)
    {
        if (update.Stage is { } stage && !string.Equals(stage, deal.Stage.Name, StringComparison.Ordinal))
        {
            deal.MoveToStage(stage, actor, _clock);
        }

        if (update.Amount is { } amount && amount != deal.Amount)
        {
            deal.ChangeAmount(amount, actor, _clock);
        }

        if (update.ExpectedClose is { } close && close != deal.ExpectedClose)
        {
            deal.ChangeExpectedClose(close, actor, _clock);
        }

        if (update.NextStep is { } next && (deal.NextStep is not { } current || current.Subject != next.Trim() || current.DueAt != update.NextStepDueAt))
        {
            deal.RecordActivity(SalesActivityDraft.NextStep(next, update.NextStepDueAt), actor, _clock);
        }
    }

    private async Task<SalesOpportunity> WorkAsync(TenantId tenant, PartnerId partner, OpportunityId id, long? expectedVersion, Action<SalesOpportunity> work, CancellationToken cancellationToken)
    {
        var deal = await _opportunities.FindAsync(AccessScope.Manufacturer(tenant), id, cancellationToken).ConfigureAwait(false)
            ?? throw EntityNotFoundException.ForOpportunity(tenant, id);
        if (deal.Partner != partner)
        {
            throw new AccessDeniedException(OpportunityErrorCodes.PartnerNotAssigned, partner, nameof(SalesOpportunity), id.Value, $"Opportunity '{id}' is not worked by partner '{partner}'.");
        }

        if (expectedVersion is { } expected && expected != deal.Version)
        {
            throw new ConcurrencyException(deal.AggregateKind, deal.AggregateId, expected, deal.Version);
        }

        work(deal);
        deal.ScheduleNextDue(_options.Value.FollowUps.FirstDue(deal.LastActivityAt));
        await _opportunities.UpdateAsync(deal, cancellationToken).ConfigureAwait(false);
        return deal;
    }
}
