using NodaTime;

namespace Opportunity.Leads;

/// <summary>
/// A prospect's enquiry on its way to a partner: Captured → Qualified → Assigned → Accepted →
/// Converted, with the side paths Rejected, SlaExpired (recalled), Unroutable and Disqualified.
/// Every move checks the current state, throws <see cref="InvalidStateTransitionException"/> when
/// it is not allowed, and raises a domain event stamped by the injected clock.
/// </summary>
public sealed class Lead : AggregateRoot
{
    private LeadSnapshot _s;

    private Lead(LeadSnapshot snapshot)
        : base(snapshot.Tenant, snapshot.Version, snapshot.EventCount)
    {
        _s = snapshot;
    }

    /// <inheritdoc />
    public override string AggregateKind => nameof(Lead);

    /// <inheritdoc />
    public override string AggregateId => Id.Value;

    /// <summary>The lead's id.</summary>
    public LeadId Id => _s.Id;

    /// <summary>Prospect data as captured.</summary>
    public LeadDetails Details => _s.Details;

    /// <summary>The current state.</summary>
    public LeadState State => _s.State;

    /// <summary>The BANT qualification recorded so far.</summary>
    public LeadQualification Qualification => _s.Qualification;

    /// <summary>When the lead was captured.</summary>
    public Instant CapturedAt => _s.CapturedAt;

    /// <summary>The partner the lead is assigned to, accepted by, or converted by; null before the first assignment.</summary>
    public PartnerId? AssignedPartner => _s.AssignedPartner;

    /// <summary>When the current assignment was made.</summary>
    public Instant? AssignedAt => _s.AssignedAt;

    /// <summary>When the current partner must have accepted by.</summary>
    public Instant? AcceptanceDeadline => _s.AcceptanceDeadline;

    /// <summary>When the current partner accepted.</summary>
    public Instant? AcceptedAt => _s.AcceptedAt;

    /// <summary>Every rejection, oldest first.</summary>
    public IReadOnlyList<LeadRejection> Rejections => _s.Rejections;

    /// <summary>Partners that let the acceptance SLA run out.</summary>
    public IReadOnlyList<PartnerId> ExpiredPartners => _s.ExpiredPartners;

    /// <summary>Why the lead is unroutable or disqualified; null otherwise.</summary>
    public string? StateReason => _s.StateReason;

    /// <summary>The opportunity the lead became.</summary>
    public OpportunityId? ConvertedTo => _s.ConvertedTo;

    /// <summary>When time-based work on this lead is next due (indexed by stores).</summary>
    public Instant? NextDueAt => _s.NextDueAt;

    /// <summary>When anything last happened to the lead.</summary>
    public Instant LastActivityAt => _s.LastActivityAt;

    /// <summary>Partners that must not be offered this lead again: those that rejected it or let it expire.</summary>
    public IEnumerable<PartnerId> ExcludedPartners => _s.Rejections.Select(r => r.Partner).Concat(_s.ExpiredPartners).Distinct();

    /// <summary>True in Converted and Disqualified.</summary>
    public bool IsClosed => State is LeadState.Converted or LeadState.Disqualified;

    /// <summary>Captures a new lead.</summary>
    public static Lead Capture(TenantId tenant, LeadId id, LeadDetails details, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(clock);
        RequireActor(actor);
        var now = clock.GetCurrentInstant();
        var lead = new Lead(new LeadSnapshot
        {
            Id = id,
            Tenant = tenant,
            Details = details,
            State = LeadState.Captured,
            CapturedAt = now,
            LastActivityAt = now,
        });
        lead.Raise(new LeadCaptured(details.Source), now, actor);
        return lead;
    }

    /// <summary>Rebuilds a lead from stored data (for persistence adapters); raises no event.</summary>
    public static Lead FromSnapshot(LeadSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new Lead(snapshot);
    }

    /// <summary>All stored facts of the lead, including its version.</summary>
    public LeadSnapshot ToSnapshot() => _s with { Version = Version, EventCount = EventCount };

    /// <summary>Records qualification; with all four criteria confirmed a Captured lead becomes Qualified.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Captured.</exception>
    /// <exception cref="DomainRuleException">A criterion is not confirmed (rule <c>LeadQualification</c>).</exception>
    public void Qualify(LeadQualification qualification, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(qualification);
        EnsureState("Qualify", LeadState.Captured);
        if (!qualification.IsComplete)
        {
            throw new DomainRuleException("LeadQualification", $"Lead '{Id}' cannot be qualified: {string.Join(", ", qualification.Missing)} not confirmed.");
        }

        var now = Now(clock);
        _s = _s with { Qualification = qualification, State = LeadState.Qualified, LastActivityAt = now };
        Raise(new LeadQualified(), now, RequireActor(actor));
    }

    /// <summary>Offers the lead to a partner with an acceptance deadline (SLA).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Qualified, Rejected, SlaExpired or Unroutable.</exception>
    /// <exception cref="DomainRuleException">The partner already rejected it or let it expire (rule <c>ExcludedPartner</c>), or the deadline is not in the future.</exception>
    public void Assign(PartnerId partner, Instant acceptanceDeadline, string actor, IClock clock)
    {
        EnsureState("Assign", LeadState.Qualified, LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable);
        if (ExcludedPartners.Contains(partner))
        {
            throw new DomainRuleException("ExcludedPartner", $"Lead '{Id}' cannot be assigned to partner '{partner}', which already rejected it or let it expire.");
        }

        var now = Now(clock);
        if (acceptanceDeadline <= now)
        {
            throw new DomainRuleException("AcceptanceDeadline", $"Acceptance deadline {acceptanceDeadline} of lead '{Id}' must be after now ({now}).");
        }

        _s = _s with
        {
            State = LeadState.Assigned,
            AssignedPartner = partner,
            AssignedAt = now,
            AcceptanceDeadline = acceptanceDeadline,
            AcceptedAt = null,
            StateReason = null,
            LastActivityAt = now,
        };
        Raise(new LeadAssigned(partner, acceptanceDeadline), now, RequireActor(actor));
    }

    /// <summary>The assigned partner accepts the lead.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned.</exception>
    /// <exception cref="DomainRuleException">Another partner tries to accept (rule <c>AssignedPartnerOnly</c>).</exception>
    public void Accept(PartnerId partner, IClock clock)
    {
        EnsureState("Accept", LeadState.Assigned);
        EnsureAssignedTo(partner);
        var now = Now(clock);
        var assignedAt = _s.AssignedAt!.Value;
        _s = _s with { State = LeadState.Accepted, AcceptedAt = now, LastActivityAt = now };
        Raise(new LeadAccepted(partner, assignedAt), now, partner.Value);
    }

    /// <summary>The assigned partner rejects the lead with a reason; the lead waits to be re-routed without that partner.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned.</exception>
    /// <exception cref="DomainRuleException">Another partner tries to reject it.</exception>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public void Reject(PartnerId partner, string reason, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("Reject", LeadState.Assigned);
        EnsureAssignedTo(partner);
        var now = Now(clock);
        _s = _s with
        {
            State = LeadState.Rejected,
            Rejections = [.. _s.Rejections, new LeadRejection(partner, why, now)],
            AcceptanceDeadline = null,
            LastActivityAt = now,
        };
        Raise(new LeadRejected(partner, why), now, partner.Value);
    }

    /// <summary>The acceptance SLA ran out: the lead is taken back from the partner and waits to be re-routed.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned.</exception>
    public void Recall(string actor, IClock clock)
    {
        EnsureState("Recall", LeadState.Assigned);
        var now = Now(clock);
        var partner = _s.AssignedPartner!.Value;
        _s = _s with
        {
            State = LeadState.SlaExpired,
            ExpiredPartners = [.. _s.ExpiredPartners, partner],
            AcceptanceDeadline = null,
            LastActivityAt = now,
        };
        Raise(new LeadRecalled(partner), now, RequireActor(actor));
    }

    /// <summary>No partner matched: the lead goes to the manufacturer's queue (never dropped).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Qualified, Rejected or SlaExpired.</exception>
    public void MarkUnroutable(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("MarkUnroutable", LeadState.Qualified, LeadState.Rejected, LeadState.SlaExpired);
        var now = Now(clock);
        _s = _s with { State = LeadState.Unroutable, StateReason = why, LastActivityAt = now };
        Raise(new LeadUnroutable(why), now, RequireActor(actor));
    }

    /// <summary>Disqualifies the lead with a reason (terminal).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is already Converted or Disqualified.</exception>
    public void Disqualify(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("Disqualify", LeadState.Captured, LeadState.Qualified, LeadState.Assigned, LeadState.Accepted, LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable);
        var now = Now(clock);
        _s = _s with { State = LeadState.Disqualified, StateReason = why, NextDueAt = null, LastActivityAt = now };
        Raise(new LeadDisqualified(why), now, RequireActor(actor));
    }

    /// <summary>Marks the accepted lead as converted into <paramref name="opportunity"/> (terminal).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    public void Convert(OpportunityId opportunity, string actor, IClock clock)
    {
        EnsureState("Convert", LeadState.Accepted);
        var now = Now(clock);
        _s = _s with { State = LeadState.Converted, ConvertedTo = opportunity, NextDueAt = null, LastActivityAt = now };
        Raise(new LeadConverted(_s.AssignedPartner!.Value, opportunity), now, RequireActor(actor));
    }

    /// <summary>Sets when time-based work (reminder, escalation, follow-up) is next due, or clears it.</summary>
    public void ScheduleNextDue(Instant? dueAt) => _s = _s with { NextDueAt = dueAt };

    private static Instant Now(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.GetCurrentInstant();
    }

    private void EnsureState(string move, params ReadOnlySpan<LeadState> allowed)
    {
        foreach (var state in allowed)
        {
            if (_s.State == state)
            {
                return;
            }
        }

        throw new InvalidStateTransitionException(nameof(Lead), Id.Value, _s.State.ToString(), move);
    }

    private void EnsureAssignedTo(PartnerId partner)
    {
        if (_s.AssignedPartner != partner)
        {
            throw new DomainRuleException("AssignedPartnerOnly", $"Lead '{Id}' is assigned to partner '{_s.AssignedPartner}', not '{partner}'.");
        }
    }
}
