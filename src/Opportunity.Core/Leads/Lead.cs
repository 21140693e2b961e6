using NodaTime;

namespace Opportunity.Leads;

/// <summary>
/// A prospect's enquiry on its way to a partner: Captured → Qualified → Assigned → Accepted →
/// Converted, with the side paths Rejected, SlaExpired (recalled), Unroutable and Disqualified, and for a
/// partner's deal registration PendingApproval → Accepted → Converted or RegistrationExpired.
/// Every move checks the current state, throws <see cref="InvalidStateTransitionException"/> when
/// it is not allowed, and raises a domain event stamped by the injected clock.
/// </summary>
public sealed partial class Lead : AggregateRoot
{
    private LeadSnapshot _s;

    private Lead(LeadSnapshot snapshot)
        : base(snapshot.Tenant, snapshot.Version, snapshot.EventCount)
    {
        _s = snapshot;
        StartFieldHistory();
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

    /// <summary>Partners the lead is broadcast to while <see cref="LeadState.Offered"/>, best ranked first; empty otherwise.</summary>
    public IReadOnlyList<PartnerId> Offers => _s.Offers;

    /// <summary>How many escalation steps of the current assignment or offer have fired (each fires once).</summary>
    public int EscalationStepsFired => _s.EscalationStepsFired;

    /// <summary>The partner that registered this lead as its own deal; null for manufacturer leads.</summary>
    public PartnerId? RegisteredBy => _s.RegisteredBy;

    /// <summary>The open lead or opportunity this lead duplicates, if duplicate detection found one.</summary>
    public LeadDuplicateLink? DuplicateOf => _s.DuplicateOf;

    /// <summary>The deal registration's timers (approval deadline, protection, extensions); null for manufacturer leads.</summary>
    public DealRegistrationTerms? Registration => _s.Registration;

    /// <summary>The lead's recycling rounds and the lost deal it was recycled from; null for a lead never recycled.</summary>
    public LeadRecycling? Recycling => _s.Recycling;

    /// <summary>The partners waiting to accept: the assigned partner, or every partner of a broadcast; empty in other states.</summary>
    public IReadOnlyList<PartnerId> PendingPartners => _s.State switch
    {
        LeadState.Assigned => [_s.AssignedPartner!.Value],
        LeadState.Offered => _s.Offers,
        _ => [],
    };

    /// <summary>True in Converted and Disqualified.</summary>
    public bool IsClosed => State is LeadState.Converted or LeadState.Disqualified or LeadState.Merged;

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

    /// <summary>
    /// A partner registers a deal of its own (a partner-sourced lead). It waits in
    /// <see cref="LeadState.PendingApproval"/> until the manufacturer approves or rejects it.
    /// </summary>
    public static Lead Register(TenantId tenant, LeadId id, LeadDetails details, PartnerId partner, IClock clock) =>
        NewRegistration(tenant, id, details, partner, null, clock);

    /// <summary>
    /// A partner registers a deal of its own that the manufacturer should decide by
    /// <paramref name="approvalDueAt"/> (see <see cref="Registration"/>); it is due then, for escalation.
    /// </summary>
    public static Lead Register(TenantId tenant, LeadId id, LeadDetails details, PartnerId partner, Instant approvalDueAt, IClock clock) =>
        NewRegistration(tenant, id, details, partner, approvalDueAt, clock);

    // Without an approval deadline (0.2.0's registration) the lead has no terms and is never due.
    private static Lead NewRegistration(TenantId tenant, LeadId id, LeadDetails details, PartnerId partner, Instant? approvalDueAt, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetCurrentInstant();
        var lead = new Lead(new LeadSnapshot
        {
            Id = id,
            Tenant = tenant,
            Details = details,
            State = LeadState.PendingApproval,
            RegisteredBy = partner,
            CapturedAt = now,
            LastActivityAt = now,
            Registration = approvalDueAt is { } due ? new DealRegistrationTerms { ApprovalDueAt = due } : null,
            NextDueAt = approvalDueAt,
        });
        lead.Raise(new LeadCaptured(details.Source), now, partner.Value);
        lead.Raise(new DealRegistered(partner) { ApprovalDueAt = approvalDueAt }, now, partner.Value);
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

    /// <summary>The lead's state and event stream now, to undo a change the store refused (<see cref="Restore"/>).</summary>
    internal LeadCheckpoint Checkpoint() => new(_s, EventMark);

    /// <summary>Puts the lead back to <paramref name="checkpoint"/>: its state and its pending events (nothing of the undone change was saved).</summary>
    internal void Restore(LeadCheckpoint checkpoint)
    {
        _s = checkpoint.State;
        RollbackEvents(checkpoint.Events);
    }

    /// <summary>Records qualification; with all four criteria confirmed a Captured lead becomes Qualified.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Captured.</exception>
    /// <exception cref="DomainRuleException">A criterion is not confirmed (<see cref="OpportunityErrorCodes.QualificationIncomplete"/>).</exception>
    public void Qualify(LeadQualification qualification, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(qualification);
        EnsureState("Qualify", LeadState.Captured);
        if (!qualification.IsComplete)
        {
            throw new DomainRuleException(OpportunityErrorCodes.QualificationIncomplete, $"Lead '{Id}' cannot be qualified: {string.Join(", ", qualification.Missing)} not confirmed.");
        }

        var now = Now(clock);
        _s = _s with { Qualification = qualification, State = LeadState.Qualified, LastActivityAt = now };
        Raise(new LeadQualified(), now, RequireActor(actor));
    }

    /// <summary>Offers the lead to a partner with an acceptance deadline (SLA).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Qualified, Rejected, SlaExpired, Unroutable or Nurture.</exception>
    /// <exception cref="DomainRuleException">The partner already rejected it or let it expire (<see cref="OpportunityErrorCodes.ExcludedPartner"/>), or the deadline is not in the future (<see cref="OpportunityErrorCodes.AcceptanceDeadlinePassed"/>).</exception>
    public void Assign(PartnerId partner, Instant acceptanceDeadline, string actor, IClock clock)
    {
        var now = EnsureCanOffer("Assign", "assigned", [partner], acceptanceDeadline, clock);
        SetOffered(LeadState.Assigned, partner, [], acceptanceDeadline, now);
        Raise(new LeadAssigned(partner, acceptanceDeadline), now, RequireActor(actor));
    }

    /// <summary>
    /// Broadcasts the lead to several partners at once with one acceptance deadline; the first to
    /// accept wins and the other offers are withdrawn.
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Qualified, Rejected, SlaExpired, Unroutable or Nurture.</exception>
    /// <exception cref="ArgumentException">No partners, or a partner twice.</exception>
    /// <exception cref="DomainRuleException">A partner already rejected the lead or let it expire, or the deadline is not in the future.</exception>
    public void Offer(IReadOnlyList<PartnerId> partners, Instant acceptanceDeadline, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(partners);
        if (partners.Count == 0 || partners.Distinct().Count() != partners.Count)
        {
            throw new ArgumentException("A broadcast needs at least one partner, each named once.", nameof(partners));
        }

        var now = EnsureCanOffer("Offer", "offered", partners, acceptanceDeadline, clock);
        SetOffered(LeadState.Offered, null, [.. partners], acceptanceDeadline, now);
        Raise(new LeadOffered([.. partners], acceptanceDeadline), now, RequireActor(actor));
    }

    /// <summary>
    /// The assigned partner accepts the lead, or, for a broadcast, one of the offered partners:
    /// the first to accept wins and the other offers are withdrawn.
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned or Offered (and not held by another partner).</exception>
    /// <exception cref="AccessDeniedException">The lead waits for other partners, never for this one (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="ConflictException">Another partner accepted it first (<see cref="OpportunityErrorCodes.LeadAlreadyAccepted"/>) or it went to others after this partner rejected it or let it expire (<see cref="OpportunityErrorCodes.LeadReassigned"/>); <see cref="ConflictException.Winner"/> names the holder when there is one.</exception>
    public void Accept(PartnerId partner, IClock clock)
    {
        EnsureMayAnswer("Accept", partner);
        var now = Now(clock);
        var assignedAt = _s.AssignedAt!.Value;
        var withdrawn = _s.Offers.Where(p => p != partner).ToList();
        _s = _s with { State = LeadState.Accepted, AssignedPartner = partner, AcceptedAt = now, AcceptanceDeadline = null, Offers = [], LastActivityAt = now };
        Raise(new LeadAccepted(partner, assignedAt), now, partner.Value);
        if (withdrawn.Count > 0)
        {
            Raise(new LeadOffersWithdrawn(withdrawn, partner), now, partner.Value);
        }
    }

    /// <summary>
    /// The assigned partner rejects the lead with a reason; the lead waits to be re-routed without
    /// that partner. For a broadcast, the partner's offer is removed and the lead stays offered to
    /// the others; when the last offered partner rejects, the lead is Rejected.
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned or Offered (and not held by another partner).</exception>
    /// <exception cref="AccessDeniedException">The lead waits for other partners, never for this one.</exception>
    /// <exception cref="ConflictException">Another partner holds the lead (see <see cref="Accept"/>).</exception>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public void Reject(PartnerId partner, string reason, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureMayAnswer("Reject", partner);
        var now = Now(clock);
        var remaining = _s.Offers.Where(p => p != partner).ToList();
        var stillOffered = _s.State == LeadState.Offered && remaining.Count > 0;
        _s = _s with
        {
            State = stillOffered ? LeadState.Offered : LeadState.Rejected,
            Rejections = [.. _s.Rejections, new LeadRejection(partner, why, now)],
            AcceptanceDeadline = stillOffered ? _s.AcceptanceDeadline : null,
            Offers = stillOffered ? remaining : [],
            LastActivityAt = now,
        };
        Raise(new LeadRejected(partner, why), now, partner.Value);
    }

    /// <summary>
    /// The acceptance SLA ran out: the lead is taken back from the partner (from every offered
    /// partner of a broadcast) and waits to be re-routed without them.
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned or Offered.</exception>
    public void Recall(string actor, IClock clock)
    {
        EnsureState("Recall", LeadState.Assigned, LeadState.Offered);
        var now = Now(clock);
        var partners = PendingPartners;
        _s = _s with
        {
            State = LeadState.SlaExpired,
            ExpiredPartners = [.. _s.ExpiredPartners, .. partners],
            AcceptanceDeadline = null,
            Offers = [],
            LastActivityAt = now,
        };
        foreach (var partner in partners)
        {
            Raise(new LeadRecalled(partner), now, RequireActor(actor));
        }
    }

    /// <summary>
    /// Fires escalation step <paramref name="step"/> as a reminder: every partner still to react is
    /// asked to accept or reject. Steps fire in order and each exactly once.
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned or Offered.</exception>
    /// <exception cref="DomainRuleException">The step is not the next one to fire (<see cref="OpportunityErrorCodes.EscalationOrder"/>).</exception>
    public void RemindPartners(int step, string actor, IClock clock)
    {
        var now = BeginEscalationStep("RemindPartners", step, clock);
        foreach (var partner in PendingPartners)
        {
            Raise(new AcceptanceReminderDue(partner, step, _s.AcceptanceDeadline!.Value), now, RequireActor(actor));
        }

        _s = _s with { EscalationStepsFired = step + 1 };
    }

    /// <summary>
    /// Fires escalation step <paramref name="step"/> as an escalation to the channel manager of each
    /// partner still to react. Steps fire in order and each exactly once.
    /// </summary>
    /// <param name="step">The ladder step (0-based); must be <see cref="EscalationStepsFired"/>.</param>
    /// <param name="channelManagerOf">The channel manager of a partner, or null when unknown.</param>
    /// <param name="actor">Who escalates (usually <c>system</c>).</param>
    /// <param name="clock">The clock.</param>
    /// <exception cref="InvalidStateTransitionException">The lead is not Assigned or Offered.</exception>
    /// <exception cref="DomainRuleException">The step is not the next one to fire (<see cref="OpportunityErrorCodes.EscalationOrder"/>).</exception>
    public void Escalate(int step, Func<PartnerId, string?> channelManagerOf, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(channelManagerOf);
        var now = BeginEscalationStep("Escalate", step, clock);
        foreach (var partner in PendingPartners)
        {
            Raise(new LeadEscalated(partner, step, channelManagerOf(partner), _s.AcceptanceDeadline!.Value), now, RequireActor(actor));
        }

        _s = _s with { EscalationStepsFired = step + 1 };
    }

    /// <summary>The partner working the accepted lead reports activity: a <see cref="SalesActivityKind.Note"/> (see <see cref="RecordActivity(SalesActivityDraft, string, IClock)"/>); resets follow-up timers.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    /// <exception cref="ArgumentException">The note is empty.</exception>
    public void RecordActivity(string note, string actor, IClock clock) => RecordActivity(SalesActivityDraft.Note(RequireReason(note, nameof(note))), actor, clock);

    /// <summary>Asks the partner working the accepted lead for a status update (it was inactive too long).</summary>
    /// <param name="request">1 for the first request since the last activity, then 2, 3, …</param>
    /// <param name="actor">Who asks (usually <c>system</c>).</param>
    /// <param name="clock">The clock.</param>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="request"/> is below 1.</exception>
    public void RequestFollowUp(int request, string actor, IClock clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request, 1);
        EnsureState("RequestFollowUp", LeadState.Accepted);
        Raise(new FollowUpRequested(_s.AssignedPartner!.Value, request, _s.LastActivityAt), Now(clock), RequireActor(actor));
    }

    /// <summary>Records that this lead duplicates an open lead or opportunity (found at capture or registration).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is Converted or Disqualified.</exception>
    public void LinkDuplicate(LeadDuplicateLink link, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (link.ExistingLead == Id)
        {
            throw new ArgumentException($"Lead '{Id}' cannot duplicate itself.", nameof(link));
        }

        EnsureState("LinkDuplicate", LeadState.Captured, LeadState.Qualified, LeadState.PendingApproval, LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable);
        var now = Now(clock);
        _s = _s with { DuplicateOf = link };
        Raise(new LeadDuplicateDetected(link.ExistingLead, link.ExistingOpportunity, link.WorkingPartner, link.MatchedOn), now, RequireActor(actor));
    }

    /// <summary>The manufacturer approves a partner's deal registration: the registering partner owns the accepted lead.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not PendingApproval.</exception>
    public void ApproveRegistration(string actor, IClock clock)
    {
        EnsureState("ApproveRegistration", LeadState.PendingApproval);
        var now = Now(clock);
        var partner = _s.RegisteredBy!.Value;
        _s = _s with { State = LeadState.Accepted, AssignedPartner = partner, AssignedAt = now, AcceptedAt = now, LastActivityAt = now };
        Raise(new DealRegistrationApproved(partner), now, RequireActor(actor));
    }

    /// <summary>The manufacturer rejects a partner's deal registration with a reason (terminal: Disqualified).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not PendingApproval.</exception>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public void RejectRegistration(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("RejectRegistration", LeadState.PendingApproval);
        var now = Now(clock);
        _s = _s with { State = LeadState.Disqualified, StateReason = why, NextDueAt = null, LastActivityAt = now };
        Raise(new DealRegistrationRejected(_s.RegisteredBy!.Value, why), now, RequireActor(actor));
    }

    /// <summary>
    /// The manufacturer approves a deal registration with terms: the registering partner owns the
    /// accepted lead, protected until <paramref name="protectedUntil"/>; the partner is warned at
    /// <paramref name="expiryWarningAt"/> (null: no warning).
    /// </summary>
    /// <remarks>A registration stored without terms (before 0.3.0) gets them now; its approval deadline is its registration.</remarks>
    /// <exception cref="InvalidStateTransitionException">The lead is not PendingApproval.</exception>
    public void ApproveRegistration(Instant protectedUntil, Instant? expiryWarningAt, string actor, IClock clock)
    {
        EnsureState("ApproveRegistration", LeadState.PendingApproval);
        var terms = _s.Registration ?? new DealRegistrationTerms { ApprovalDueAt = _s.CapturedAt, ApprovalEscalated = true };
        var now = Now(clock);
        var partner = _s.RegisteredBy!.Value;
        _s = _s with
        {
            State = LeadState.Accepted,
            AssignedPartner = partner,
            AssignedAt = now,
            AcceptedAt = now,
            LastActivityAt = now,
            Registration = terms with { ProtectedUntil = protectedUntil, ExpiryWarningAt = expiryWarningAt },
        };
        Raise(new DealRegistrationApproved(partner) { ProtectedUntil = protectedUntil }, now, RequireActor(actor));
    }

    /// <summary>The registration was not decided by its approval deadline: the registrant's channel manager is asked to decide (once).</summary>
    /// <param name="channelManager">The channel manager of the registering partner, or null when unknown.</param>
    /// <param name="actor">Who escalates (usually <c>system</c>).</param>
    /// <param name="clock">The clock.</param>
    /// <exception cref="InvalidStateTransitionException">The lead is not PendingApproval.</exception>
    /// <exception cref="DomainRuleException">The lead has no registration terms, or the approval was escalated already (<see cref="OpportunityErrorCodes.EscalationOrder"/>).</exception>
    public void EscalateRegistrationApproval(string? channelManager, string actor, IClock clock)
    {
        EnsureState("EscalateRegistrationApproval", LeadState.PendingApproval);
        var terms = RequireTerms();
        if (terms.ApprovalEscalated)
        {
            throw new DomainRuleException(OpportunityErrorCodes.EscalationOrder, $"The approval of deal registration '{Id}' was escalated already.");
        }

        var now = Now(clock);
        _s = _s with { Registration = terms with { ApprovalEscalated = true } };
        Raise(new DealRegistrationApprovalOverdue(_s.RegisteredBy!.Value, terms.ApprovalDueAt, channelManager), now, RequireActor(actor));
    }

    /// <summary>
    /// Records that this pending registration collides with <paramref name="competingPartner"/>'s
    /// registration <paramref name="competing"/> and which rule decides it. Under
    /// <see cref="RegistrationConflictRule.FirstRegisteredWins"/> the caller then rejects this one.
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not PendingApproval.</exception>
    /// <exception cref="DomainRuleException">The lead has no registration terms.</exception>
    public void RecordRegistrationConflict(LeadId competing, PartnerId competingPartner, RegistrationConflictRule rule, string actor, IClock clock)
    {
        EnsureState("RecordRegistrationConflict", LeadState.PendingApproval);
        var terms = RequireTerms();
        var now = Now(clock);
        _s = _s with { Registration = terms with { CompetingRegistration = competing } };
        Raise(new DealRegistrationConflictDetected(_s.RegisteredBy!.Value, competing, competingPartner, rule), now, RequireActor(actor));
    }

    /// <summary>Warns the registrant that the protection of its approved registration ends soon (once per protection period).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    /// <exception cref="DomainRuleException">The lead is not an approved registration with terms.</exception>
    public void WarnRegistrationExpiry(string actor, IClock clock)
    {
        EnsureState("WarnRegistrationExpiry", LeadState.Accepted);
        var (terms, until) = RequireProtection();
        var now = Now(clock);
        _s = _s with { Registration = terms with { ExpiryWarningAt = null } };
        Raise(new DealRegistrationExpiring(_s.RegisteredBy!.Value, until), now, RequireActor(actor));
    }

    /// <summary>
    /// The protection of the approved registration ended before it was converted or extended: the
    /// lead moves to <see cref="LeadState.RegistrationExpired"/> and the partner no longer holds it
    /// (a pending extension request lapses).
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    /// <exception cref="DomainRuleException">The lead is not an approved registration with terms, or its protection has not ended (<see cref="OpportunityErrorCodes.InvalidStateTransition"/>).</exception>
    public void ExpireRegistration(string actor, IClock clock)
    {
        EnsureState("ExpireRegistration", LeadState.Accepted);
        var (terms, until) = RequireProtection();
        var now = Now(clock);
        if (now < until)
        {
            throw new DomainRuleException(OpportunityErrorCodes.InvalidStateTransition, $"Deal registration '{Id}' is protected until {until}; it cannot expire at {now}.");
        }

        _s = _s with
        {
            State = LeadState.RegistrationExpired,
            NextDueAt = null,
            LastActivityAt = now,
            Registration = terms with { ExpiryWarningAt = null, PendingExtensionReason = null },
        };
        Raise(new DealRegistrationExpired(_s.RegisteredBy!.Value, until), now, RequireActor(actor));
    }

    /// <summary>The registrant asks the manufacturer for a longer protection of its approved registration.</summary>
    /// <param name="partner">The partner asking; must be the registrant.</param>
    /// <param name="reason">Why it needs more time.</param>
    /// <param name="maxExtensions">How many extensions the policy allows in all.</param>
    /// <param name="clock">The clock.</param>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    /// <exception cref="AccessDeniedException">Another partner registered it (<see cref="OpportunityErrorCodes.PartnerNotAssigned"/>).</exception>
    /// <exception cref="DomainRuleException">Not an approved registration with terms (<see cref="OpportunityErrorCodes.NotARegistration"/>), a request waits already (<see cref="OpportunityErrorCodes.RegistrationExtensionPending"/>), or no extension is left (<see cref="OpportunityErrorCodes.RegistrationExtensionLimit"/>).</exception>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public void RequestRegistrationExtension(PartnerId partner, string reason, int maxExtensions, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("RequestRegistrationExtension", LeadState.Accepted);
        if (_s.RegisteredBy != partner)
        {
            throw new AccessDeniedException(OpportunityErrorCodes.PartnerNotAssigned, partner, nameof(Lead), Id.Value, $"Deal registration '{Id}' was not registered by partner '{partner}'.");
        }

        var (terms, until) = RequireProtection();
        if (terms.PendingExtensionReason is not null)
        {
            throw new DomainRuleException(OpportunityErrorCodes.RegistrationExtensionPending, $"An extension of deal registration '{Id}' was requested already and waits for a decision.");
        }

        if (terms.Extensions >= maxExtensions)
        {
            throw new DomainRuleException(OpportunityErrorCodes.RegistrationExtensionLimit, $"Deal registration '{Id}' has had {terms.Extensions} of {maxExtensions} allowed extension(s).");
        }

        var now = Now(clock);
        _s = _s with { LastActivityAt = now, Registration = terms with { PendingExtensionReason = why } };
        Raise(new DealRegistrationExtensionRequested(partner, why, until), now, partner.Value);
    }

    /// <summary>The manufacturer approves the waiting extension request: protection lasts until <paramref name="protectedUntil"/>.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    /// <exception cref="DomainRuleException">No request waits (<see cref="OpportunityErrorCodes.RegistrationExtensionNotRequested"/>), or the lead is not an approved registration with terms.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="protectedUntil"/> is not later than the current end of protection.</exception>
    public void ApproveRegistrationExtension(Instant protectedUntil, Instant? expiryWarningAt, string actor, IClock clock)
    {
        EnsureState("ApproveRegistrationExtension", LeadState.Accepted);
        var (terms, until) = RequirePendingExtension();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(protectedUntil, until);
        var now = Now(clock);
        var extensions = terms.Extensions + 1;
        _s = _s with { Registration = terms with { ProtectedUntil = protectedUntil, ExpiryWarningAt = expiryWarningAt, Extensions = extensions, PendingExtensionReason = null } };
        Raise(new DealRegistrationExtended(_s.RegisteredBy!.Value, protectedUntil, extensions), now, RequireActor(actor));
    }

    /// <summary>The manufacturer declines the waiting extension request; protection ends as before.</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    /// <exception cref="DomainRuleException">No request waits (<see cref="OpportunityErrorCodes.RegistrationExtensionNotRequested"/>).</exception>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public void RejectRegistrationExtension(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("RejectRegistrationExtension", LeadState.Accepted);
        var (terms, until) = RequirePendingExtension();
        var now = Now(clock);
        _s = _s with { Registration = terms with { PendingExtensionReason = null } };
        Raise(new DealRegistrationExtensionRejected(_s.RegisteredBy!.Value, why, until), now, RequireActor(actor));
    }

    /// <summary>
    /// The lead as <paramref name="partner"/> may see it, or null when it may not see it at all
    /// (never assigned or offered to it, or given back). Before acceptance only the fields of
    /// <paramref name="policy"/> are filled in; after acceptance, everything.
    /// </summary>
    public PartnerLeadView? ViewFor(PartnerId partner, LeadPrivacyPolicy? policy = null) => View(partner, policy ?? LeadPrivacyPolicy.Default, LeadField.All);

    /// <summary>The view of <see cref="ViewFor"/> with at most the fields of <paramref name="cap"/> (a distributor's view of its reseller's lead).</summary>
    private PartnerLeadView? View(PartnerId partner, LeadPrivacyPolicy policy, LeadField cap)
    {
        var accepted = _s.State is LeadState.Accepted or LeadState.Converted && _s.AssignedPartner == partner;
        var pending = _s.State == LeadState.Offered ? _s.Offers.Contains(partner) : _s.State == LeadState.Assigned && _s.AssignedPartner == partner;
        var registered = _s.State == LeadState.PendingApproval && _s.RegisteredBy == partner;
        if (!accepted && !pending && !registered)
        {
            return null;
        }

        // A partner sees all of what it registered itself.
        var visible = (accepted || registered ? LeadField.All : policy.VisibleBeforeAcceptance) & cap;
        var d = _s.Details;
        T? Show<T>(LeadField field, T? value) => (visible & field) != 0 ? value : default;
        string? postal = null;
        if (d.Location.PostalCode is { } code && (visible & (LeadField.PostalCode | LeadField.PostalArea)) != 0)
        {
            var normalised = Partners.PostalCode.Normalise(code);
            postal = (visible & LeadField.PostalCode) != 0 ? code
                : normalised.Length > policy.PostalAreaLength ? normalised[..policy.PostalAreaLength] : normalised;
        }

        return new PartnerLeadView
        {
            Id = Id,
            Partner = partner,
            State = _s.State,
            AcceptanceDeadline = pending ? _s.AcceptanceDeadline : null,
            HiddenFields = LeadField.All & ~visible,
            Source = Show(LeadField.Source, d.Source),
            Company = Show(LeadField.Company, d.Company),
            ContactName = Show(LeadField.ContactName, d.Contact.Name),
            ContactEmail = Show(LeadField.ContactEmail, d.Contact.Email),
            ContactPhone = Show(LeadField.ContactPhone, d.Contact.Phone),
            Country = Show(LeadField.Country, d.Location.Country),
            PostalCode = postal,
            City = Show(LeadField.City, d.Location.City),
            Point = Show(LeadField.Coordinates, d.Location.Point),
            ProductInterest = Show(LeadField.ProductInterest, d.ProductInterest),
            Language = Show(LeadField.Language, d.Language),
            EstimatedValue = Show(LeadField.EstimatedValue, d.EstimatedValue),
        };
    }

    /// <summary>No partner matched: the lead goes to the manufacturer's queue (never dropped).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is not Qualified, Rejected, SlaExpired or Nurture.</exception>
    public void MarkUnroutable(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("MarkUnroutable", LeadState.Qualified, LeadState.Rejected, LeadState.SlaExpired, LeadState.Nurture);
        var now = Now(clock);
        _s = _s with { State = LeadState.Unroutable, StateReason = why, LastActivityAt = now };
        Raise(new LeadUnroutable(why), now, RequireActor(actor));
    }

    /// <summary>Disqualifies the lead with a reason (terminal).</summary>
    /// <exception cref="InvalidStateTransitionException">The lead is already Converted or Disqualified.</exception>
    public void Disqualify(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureState("Disqualify", LeadState.Captured, LeadState.Qualified, LeadState.Assigned, LeadState.Accepted, LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.Offered, LeadState.PendingApproval, LeadState.RegistrationExpired, LeadState.Nurture);
        var now = Now(clock);
        _s = _s with { State = LeadState.Disqualified, StateReason = why, NextDueAt = null, AcceptanceDeadline = null, Offers = [], LastActivityAt = now };
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

    /// <summary>Sets when time-based work (reminder, escalation, follow-up) is next due, or clears it; while the clock is paused, the time is held in the pause.</summary>
    public void ScheduleNextDue(Instant? dueAt) => _s = _s.ClockPause is { } pause ? _s with { ClockPause = pause with { HeldDueAt = dueAt } } : _s with { NextDueAt = dueAt };

    private static Instant Now(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.GetCurrentInstant();
    }

    /// <summary>The checks shared by <see cref="Assign"/> and <see cref="Offer"/>; returns now.</summary>
    private Instant EnsureCanOffer(string move, string verb, IEnumerable<PartnerId> partners, Instant acceptanceDeadline, IClock clock)
    {
        EnsureState(move, LeadState.Qualified, LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.Nurture);
        var excluded = ExcludedPartners.ToHashSet();
        foreach (var partner in partners)
        {
            if (excluded.Contains(partner))
            {
                throw new DomainRuleException(OpportunityErrorCodes.ExcludedPartner, $"Lead '{Id}' cannot be {verb} to partner '{partner}', which already rejected it or let it expire.");
            }
        }

        var now = Now(clock);
        if (acceptanceDeadline <= now)
        {
            throw new DomainRuleException(OpportunityErrorCodes.AcceptanceDeadlinePassed, $"Acceptance deadline {acceptanceDeadline} of lead '{Id}' must be after now ({now}).");
        }

        return now;
    }

    /// <summary>The lead waits for <paramref name="assigned"/> (Assigned) or one of <paramref name="offers"/> (Offered) to accept by the deadline.</summary>
    private void SetOffered(LeadState state, PartnerId? assigned, PartnerId[] offers, Instant acceptanceDeadline, Instant now) =>
        _s = _s with
        {
            State = state,
            AssignedPartner = assigned,
            AssignedAt = now,
            AcceptanceDeadline = acceptanceDeadline,
            AcceptedAt = null,
            StateReason = null,
            Offers = offers,
            EscalationStepsFired = 0,
            LastActivityAt = now,
        };

    private DealRegistrationTerms RequireTerms() =>
        _s.Registration ?? throw new DomainRuleException(OpportunityErrorCodes.NotARegistration, $"Lead '{Id}' is not a deal registration with terms.");

    private (DealRegistrationTerms Terms, Instant ProtectedUntil) RequireProtection()
    {
        var terms = RequireTerms();
        return terms.ProtectedUntil is { } until
            ? (terms, until)
            : throw new DomainRuleException(OpportunityErrorCodes.NotARegistration, $"Lead '{Id}' is not an approved deal registration with a protection period.");
    }

    private (DealRegistrationTerms Terms, Instant ProtectedUntil) RequirePendingExtension()
    {
        var (terms, until) = RequireProtection();
        return terms.PendingExtensionReason is null
            ? throw new DomainRuleException(OpportunityErrorCodes.RegistrationExtensionNotRequested, $"No extension of deal registration '{Id}' waits for a decision.")
            : (terms, until);
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

    private Instant BeginEscalationStep(string move, int step, IClock clock)
    {
        EnsureState(move, LeadState.Assigned, LeadState.Offered);
        if (step != _s.EscalationStepsFired)
        {
            throw new DomainRuleException(OpportunityErrorCodes.EscalationOrder, $"Lead '{Id}' has fired {_s.EscalationStepsFired} escalation step(s); step {step} cannot fire now.");
        }

        return Now(clock);
    }

    /// <summary>
    /// The checks of <see cref="Accept"/> and <see cref="Reject"/>. Losing a race (another partner
    /// accepted first, or holds the lead since this one dropped it) is a conflict naming the holder;
    /// a lead that never waited for this partner is forbidden to it. Messages never name the other
    /// partner (they may reach the refused one); <see cref="ConflictException.Winner"/> does.
    /// </summary>
    private void EnsureMayAnswer(string move, PartnerId partner)
    {
        if (_s.State is LeadState.Accepted or LeadState.Converted && _s.AssignedPartner is { } holder && holder != partner)
        {
            throw new ConflictException(OpportunityErrorCodes.LeadAlreadyAccepted, $"Lead '{Id}' was accepted by another partner first; {move} by partner '{partner}' is refused.", holder);
        }

        EnsureState(move, LeadState.Assigned, LeadState.Offered);
        var waitsForPartner = _s.State == LeadState.Offered ? _s.Offers.Contains(partner) : _s.AssignedPartner == partner;
        if (waitsForPartner)
        {
            return;
        }

        if (ExcludedPartners.Contains(partner))
        {
            throw new ConflictException(OpportunityErrorCodes.LeadReassigned, $"Lead '{Id}' went to other partners after partner '{partner}' rejected it or let it expire.", _s.AssignedPartner);
        }

        throw new AccessDeniedException(OpportunityErrorCodes.PartnerNotAssigned, partner, nameof(Lead), Id.Value, $"Lead '{Id}' is not {(_s.State == LeadState.Offered ? "offered" : "assigned")} to partner '{partner}'.");
    }
}
