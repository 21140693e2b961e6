using NodaTime;

namespace Opportunity.Leads;

// Two-tier distribution (docs/channel.md, "Two tiers"): a distributor routes a lead on to a reseller.
public sealed partial class Lead
{
    /// <summary>
    /// The distributor the lead is assigned to routes it on to one of its resellers, who now has until
    /// <paramref name="acceptanceDeadline"/> to accept; the escalation ladder starts again. The caller
    /// checks that <paramref name="reseller"/> is below the distributor (<c>DistributorLeadService</c> does).
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned (and not held by another partner).</exception>
    /// <exception cref="AccessDeniedException">The lead is not assigned to <paramref name="distributor"/> (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="ConflictException">Another partner holds the lead (see <see cref="Accept"/>).</exception>
    /// <exception cref="DomainRuleException">The reseller already rejected the lead or let it expire (<see cref="OpportunityErrorCodes.ExcludedPartner"/>), or the deadline is not in the future (<see cref="OpportunityErrorCodes.AcceptanceDeadlinePassed"/>).</exception>
    public void RouteOn(PartnerId distributor, PartnerId reseller, Instant acceptanceDeadline, IClock clock)
    {
        EnsureHeldBy(distributor, "RouteOn");
        if (ExcludedPartners.Contains(reseller))
        {
            throw new DomainRuleException(OpportunityErrorCodes.ExcludedPartner, $"Lead '{Id}' cannot be routed on to partner '{reseller}', which already rejected it or let it expire.");
        }

        var now = Now(clock);
        if (acceptanceDeadline <= now)
        {
            throw new DomainRuleException(OpportunityErrorCodes.AcceptanceDeadlinePassed, $"Acceptance deadline {acceptanceDeadline} of lead '{Id}' must be after now ({now}).");
        }

        SetOffered(LeadState.Assigned, reseller, [], acceptanceDeadline, now);
        Raise(new LeadRoutedOn(reseller, distributor, acceptanceDeadline), now, distributor.Value);
    }

    /// <summary>
    /// The lead as a distributor may see its reseller's lead: held by <paramref name="reseller"/>
    /// (offered, assigned, accepted or converted), with only the fields the policy shows before
    /// acceptance (<see cref="LeadPrivacyPolicy.VisibleBeforeAcceptance"/>), never contact data the
    /// policy hides; null when the reseller does not hold it. The caller checks the hierarchy.
    /// </summary>
    public PartnerLeadView? ViewForDistributor(PartnerId reseller, LeadPrivacyPolicy? policy = null)
    {
        policy ??= LeadPrivacyPolicy.Default;
        return View(reseller, policy, policy.VisibleBeforeAcceptance);
    }

    /// <summary>
    /// Fires escalation step <paramref name="step"/> as a message to the distributor above each
    /// partner still to react (<see cref="LeadEscalatedToDistributor"/>); a partner without a parent
    /// escalates to its channel manager as <see cref="Escalate"/> does.
    /// </summary>
    /// <param name="step">The ladder step (0-based); must be <see cref="EscalationStepsFired"/>.</param>
    /// <param name="parentOf">The distributor above a partner, or null.</param>
    /// <param name="channelManagerOf">The channel manager of a partner, or null when unknown.</param>
    /// <param name="actor">Who escalates (usually <c>system</c>).</param>
    /// <param name="clock">The clock.</param>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned or Offered.</exception>
    /// <exception cref="DomainRuleException">The step is not the next one to fire (<see cref="OpportunityErrorCodes.EscalationOrder"/>).</exception>
    public void EscalateToDistributor(int step, Func<PartnerId, PartnerId?> parentOf, Func<PartnerId, string?> channelManagerOf, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(parentOf);
        ArgumentNullException.ThrowIfNull(channelManagerOf);
        var now = BeginEscalationStep("EscalateToDistributor", step, clock);
        foreach (var partner in PendingPartners)
        {
            DomainEvent escalation = parentOf(partner) is { } distributor
                ? new LeadEscalatedToDistributor(distributor, partner, step, _s.AcceptanceDeadline!.Value)
                : new LeadEscalated(partner, step, channelManagerOf(partner), _s.AcceptanceDeadline!.Value);
            Raise(escalation, now, RequireActor(actor));
        }

        _s = _s with { EscalationStepsFired = step + 1 };
    }

    /// <summary>Refuses a distributor command on a lead that is not Assigned to <paramref name="distributor"/>, with the errors of <see cref="Accept"/>.</summary>
    internal void EnsureHeldBy(PartnerId distributor, string move)
    {
        EnsureMayAnswer(move, distributor);
        if (_s.State != LeadState.Assigned)
        {
            throw new InvalidStateTransitionException(nameof(Lead), Id.Value, _s.State.ToString(), move);
        }
    }
}
