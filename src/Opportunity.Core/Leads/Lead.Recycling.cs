using NodaTime;

namespace Opportunity.Leads;

// Recycling: dead ends (rejected by everyone, recalled, unroutable, disqualified, an expired
// registration) and lost deals come back through nurture (docs/routing.md#leads-come-back).
public sealed partial class Lead
{
    /// <summary>
    /// Recycles a lead that reached a dead end into <see cref="LeadState.Nurture"/>: it rests until
    /// <paramref name="returnsAt"/> (due then) and is routed again. Its history stays: rejections and
    /// expired partners (they are not offered it again), events, routing decisions, and a
    /// <see cref="LeadRecycleRound"/> naming the partner that had accepted it, if one had.
    /// </summary>
    /// <param name="reason">Why it is recycled.</param>
    /// <param name="maxRecycles">How many recycling rounds the policy allows one lead.</param>
    /// <param name="returnsAt">When it goes back into distribution (the end of the cooldown).</param>
    /// <param name="actor">Who recycles it.</param>
    /// <param name="clock">The clock.</param>
    /// <exception cref="InvalidStateTransitionException">The lead is not Rejected, SlaExpired, Unroutable, Disqualified or RegistrationExpired.</exception>
    /// <exception cref="DomainRuleException">The lead was recycled <paramref name="maxRecycles"/> times already (<see cref="OpportunityErrorCodes.RecycleLimitReached"/>).</exception>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public void Recycle(string reason, int maxRecycles, Instant returnsAt, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("Recycle", LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.Disqualified, LeadState.RegistrationExpired);
        var recycling = _s.Recycling ?? new LeadRecycling();
        if (recycling.Count >= maxRecycles)
        {
            throw new DomainRuleException(OpportunityErrorCodes.RecycleLimitReached, $"Lead '{Id}' was recycled {recycling.Count} time(s); the policy allows {maxRecycles}.");
        }

        var now = Now(clock);
        var accepted = _s.AcceptedAt is not null ? _s.AssignedPartner : null;
        var round = new LeadRecycleRound(now, _s.State, why)
        {
            AcceptedBy = accepted,
            AssignedAt = accepted is null ? null : _s.AssignedAt,
            AcceptedAt = accepted is null ? null : _s.AcceptedAt,
        };
        var from = _s.State;
        _s = _s with
        {
            State = LeadState.Nurture,
            StateReason = why,
            AssignedPartner = null,
            AssignedAt = null,
            AcceptedAt = null,
            AcceptanceDeadline = null,
            Offers = [],
            EscalationStepsFired = 0,
            Registration = null, // the registration's timers ended with it; its events keep the history
            Recycling = recycling with { Rounds = [.. recycling.Rounds, round] },
            NextDueAt = returnsAt,
            LastActivityAt = now,
        };
        Raise(new LeadRecycled(from, why, recycling.Count + 1, returnsAt), now, RequireActor(actor));
    }

    /// <summary>
    /// A new lead made from a lost deal: it starts in <see cref="LeadState.Nurture"/>, linked to the
    /// deal (<see cref="LeadRecycling.LostDeal"/>), and is routed at <paramref name="returnsAt"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public static Lead RecycleLostDeal(TenantId tenant, LeadId id, LeadDetails details, OpportunityId lostDeal, string reason, Instant returnsAt, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(details);
        var why = RequireReason(reason, nameof(reason));
        var now = Now(clock);
        var lead = new Lead(new LeadSnapshot
        {
            Id = id,
            Tenant = tenant,
            Details = details,
            State = LeadState.Nurture,
            StateReason = why,
            CapturedAt = now,
            LastActivityAt = now,
            NextDueAt = returnsAt,
            Recycling = new LeadRecycling { LostDeal = lostDeal },
        });
        lead.Raise(new LeadCaptured(details.Source), now, RequireActor(actor));
        lead.Raise(new LeadRecycledFromDeal(lostDeal, why, returnsAt), now, RequireActor(actor));
        return lead;
    }
}
