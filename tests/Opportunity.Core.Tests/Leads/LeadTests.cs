using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;

namespace Opportunity.Core.Tests.Leads;

public sealed class LeadTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly PartnerId P1 = new("p1");
    private static readonly PartnerId P2 = new("p2");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 2, 9, 0));

    private Lead NewLead() => Lead.Capture(Tenant, new LeadId("L1"), new LeadDetails { Source = "web", Company = "ACME" }, "system", _clock);

    private Instant Deadline => _clock.GetCurrentInstant() + Duration.FromHours(24);

    /// <summary>Brings a fresh lead into <paramref name="state"/> by legal moves only.</summary>
    private Lead InState(LeadState state)
    {
        var lead = NewLead();
        void Qualify() => lead.Qualify(LeadQualification.Full, "u", _clock);
        void Assign() => lead.Assign(P1, Deadline, "router", _clock);
        switch (state)
        {
            case LeadState.Captured: break;
            case LeadState.Qualified: Qualify(); break;
            case LeadState.Assigned: Qualify(); Assign(); break;
            case LeadState.Accepted: Qualify(); Assign(); lead.Accept(P1, _clock); break;
            case LeadState.Converted: Qualify(); Assign(); lead.Accept(P1, _clock); lead.Convert(new OpportunityId("O1"), "u", _clock); break;
            case LeadState.Rejected: Qualify(); Assign(); lead.Reject(P1, "too far away", _clock); break;
            case LeadState.SlaExpired: Qualify(); Assign(); lead.Recall("system", _clock); break;
            case LeadState.Unroutable: Qualify(); lead.MarkUnroutable("no partner in FR", "router", _clock); break;
            case LeadState.Disqualified: lead.Disqualify("spam", "u", _clock); break;
            case LeadState.Offered: Qualify(); lead.Offer([P1], Deadline, "router", _clock); break;
            case LeadState.PendingApproval:
                lead = Lead.Register(Tenant, new LeadId("L1"), new LeadDetails { Source = "deal-registration" }, P1, _clock);
                break;
            case LeadState.RegistrationExpired:
                lead = Lead.Register(Tenant, new LeadId("L1"), new LeadDetails { Source = "deal-registration" }, P1, Deadline, _clock);
                lead.ApproveRegistration(_clock.GetCurrentInstant(), null, "manager", _clock);
                lead.ExpireRegistration("system", _clock);
                break;
            case LeadState.Nurture: lead.Disqualify("no budget", "u", _clock); lead.Recycle("budget next year", 2, Deadline, "marketing", _clock); break;
            case LeadState.Merged: Lead.Capture(Tenant, new LeadId("L-keep"), new LeadDetails { Source = "web" }, "u", _clock).MergeIn(lead, "same customer", "u", _clock); break;
        }

        Assert.Equal(state, lead.State);
        return lead;
    }

    public static TheoryData<string, LeadState[], LeadState> Moves => new()
    {
        { "Qualify", [LeadState.Captured], LeadState.Qualified },
        { "Assign", [LeadState.Qualified, LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.Nurture], LeadState.Assigned },
        { "Offer", [LeadState.Qualified, LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.Nurture], LeadState.Offered },
        { "Accept", [LeadState.Assigned, LeadState.Offered], LeadState.Accepted },
        { "Reject", [LeadState.Assigned, LeadState.Offered], LeadState.Rejected },
        { "Recall", [LeadState.Assigned, LeadState.Offered], LeadState.SlaExpired },
        { "MarkUnroutable", [LeadState.Qualified, LeadState.Rejected, LeadState.SlaExpired, LeadState.Nurture], LeadState.Unroutable },
        { "Disqualify", [LeadState.Captured, LeadState.Qualified, LeadState.Assigned, LeadState.Accepted, LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.Offered, LeadState.PendingApproval, LeadState.RegistrationExpired, LeadState.Nurture], LeadState.Disqualified },
        { "Convert", [LeadState.Accepted], LeadState.Converted },
        { "ApproveRegistration", [LeadState.PendingApproval], LeadState.Accepted },
        { "RejectRegistration", [LeadState.PendingApproval], LeadState.Disqualified },
        { "Recycle", [LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.Disqualified, LeadState.RegistrationExpired], LeadState.Nurture },
    };

    private void Apply(Lead lead, string move)
    {
        // Assign goes to a partner that has not rejected or expired the lead.
        switch (move)
        {
            case "Qualify": lead.Qualify(LeadQualification.Full, "u", _clock); break;
            case "Assign": lead.Assign(P2, Deadline, "router", _clock); break;
            case "Offer": lead.Offer([P2], Deadline, "router", _clock); break;
            case "ApproveRegistration": lead.ApproveRegistration("manager", _clock); break;
            case "RejectRegistration": lead.RejectRegistration("already registered by another partner", "manager", _clock); break;
            case "Accept": lead.Accept(lead.PendingPartners.FirstOrDefault(P1), _clock); break;
            case "Reject": lead.Reject(lead.PendingPartners.FirstOrDefault(P1), "no capacity", _clock); break;
            case "Recall": lead.Recall("system", _clock); break;
            case "MarkUnroutable": lead.MarkUnroutable("nobody", "router", _clock); break;
            case "Disqualify": lead.Disqualify("duplicate", "u", _clock); break;
            case "Convert": lead.Convert(new OpportunityId("O9"), "u", _clock); break;
            case "Recycle": lead.Recycle("try again", 2, Deadline, "marketing", _clock); break;
            default: throw new ArgumentOutOfRangeException(nameof(move));
        }
    }

    [Theory]
    [MemberData(nameof(Moves))]
    public void Move_FromEveryState_AllowedOnlyFromItsSourceStates(string move, LeadState[] allowedFrom, LeadState target)
    {
        foreach (var state in Enum.GetValues<LeadState>())
        {
            var lead = InState(state);
            var eventsBefore = lead.PendingEvents.Count;
            if (allowedFrom.Contains(state))
            {
                Apply(lead, move);
                Assert.Equal(target, lead.State);
                Assert.Equal(eventsBefore + 1, lead.PendingEvents.Count);
            }
            else
            {
                var ex = Assert.Throws<InvalidStateTransitionException>(() => Apply(lead, move));
                Assert.Equal(state.ToString(), ex.CurrentState);
                Assert.Equal(move, ex.AttemptedMove);
                Assert.Contains(state.ToString(), ex.Message, StringComparison.Ordinal);
                Assert.Equal(state, lead.State);
                Assert.Equal(eventsBefore, lead.PendingEvents.Count);
            }
        }
    }

    [Fact]
    public void Qualify_Incomplete_ThrowsNamingMissingCriteria()
    {
        var lead = NewLead();
        var ex = Assert.Throws<DomainRuleException>(() => lead.Qualify(new LeadQualification(true, false, true, false), "u", _clock));
        Assert.Equal(OpportunityErrorCodes.QualificationIncomplete, ex.ErrorCode);
        Assert.Contains("Budget, Timing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(LeadState.Captured, lead.State);
    }

    [Fact]
    public void Reject_RecordsReason_AndExcludesPartnerFromReassignment()
    {
        var lead = InState(LeadState.Assigned);
        _clock.AdvanceMinutes(30);
        lead.Reject(P1, "  outside our area ", _clock);
        Assert.Equal("outside our area", Assert.Single(lead.Rejections).Reason);
        Assert.Equal([P1], lead.ExcludedPartners);
        var ex = Assert.Throws<DomainRuleException>(() => lead.Assign(P1, Deadline, "router", _clock));
        Assert.Equal(OpportunityErrorCodes.ExcludedPartner, ex.ErrorCode);
    }

    [Fact]
    public void Reject_EmptyReason_ThrowsNamingReason()
    {
        var lead = InState(LeadState.Assigned);
        Assert.Equal("reason", Assert.Throws<ArgumentException>(() => lead.Reject(P1, " ", _clock)).ParamName);
        Assert.Equal(LeadState.Assigned, lead.State);
    }

    [Fact]
    public void Accept_ByAnotherPartner_IsRefused()
    {
        var lead = InState(LeadState.Assigned);
        Assert.Equal(OpportunityErrorCodes.PartnerNotAssigned, Assert.Throws<AccessDeniedException>(() => lead.Accept(P2, _clock)).ErrorCode);
    }

    [Fact]
    public void Accept_AfterAnotherPartnerAccepted_IsAConflictNamingTheWinnerOutsideTheMessage()
    {
        var lead = InState(LeadState.Qualified);
        lead.Offer([P1, P2], Deadline, "router", _clock);
        lead.Accept(P1, _clock);

        var ex = Assert.Throws<ConflictException>(() => lead.Accept(P2, _clock));

        Assert.Equal((OpportunityErrorCodes.LeadAlreadyAccepted, P1), (ex.ErrorCode, ex.Winner));
        Assert.DoesNotContain(P1.Value, ex.Message, StringComparison.Ordinal);
        Assert.Equal((LeadState.Accepted, P1), (lead.State, lead.AssignedPartner));
    }

    [Fact]
    public void Accept_ByAPartnerThatRejectedBeforeReassignment_IsAConflictNamingTheHolder()
    {
        var lead = InState(LeadState.Rejected);
        lead.Assign(P2, Deadline, "router", _clock);

        var ex = Assert.Throws<ConflictException>(() => lead.Accept(P1, _clock));

        Assert.Equal((OpportunityErrorCodes.LeadReassigned, P2), (ex.ErrorCode, ex.Winner));
        Assert.Equal(LeadState.Assigned, lead.State);
    }

    [Fact]
    public void Reject_OfferedToOthersOnly_IsForbidden()
    {
        var lead = InState(LeadState.Offered);

        var ex = Assert.Throws<AccessDeniedException>(() => lead.Reject(P2, "not ours", _clock));

        Assert.Equal((OpportunityErrorCodes.PartnerNotAssigned, P2, "L1"), (ex.ErrorCode, ex.Partner, ex.Id));
        Assert.Equal([P1], lead.Offers);
    }

    [Fact]
    public void Recall_RemembersExpiredPartner()
    {
        var lead = InState(LeadState.SlaExpired);
        Assert.Equal([P1], lead.ExpiredPartners);
        Assert.Contains(P1, lead.ExcludedPartners);
    }

    [Fact]
    public void Assign_DeadlineNotInFuture_IsRefused()
    {
        var lead = InState(LeadState.Qualified);
        Assert.Equal(OpportunityErrorCodes.AcceptanceDeadlinePassed, Assert.Throws<DomainRuleException>(() => lead.Assign(P1, _clock.GetCurrentInstant(), "r", _clock)).ErrorCode);
    }

    [Fact]
    public void Events_CarryClockInstants_AndStableIds()
    {
        var lead = NewLead();
        _clock.AdvanceMinutes(5);
        lead.Qualify(LeadQualification.Full, "alice", _clock);
        _clock.AdvanceMinutes(5);
        lead.Assign(P1, Deadline, "router", _clock);
        _clock.AdvanceMinutes(90);
        lead.Accept(P1, _clock);

        var events = lead.PendingEvents;
        Assert.Equal(["LeadCaptured", "LeadQualified", "LeadAssigned", "LeadAccepted"], events.Select(e => e.EventType));
        Assert.Equal(["Lead/L1/1@acme", "Lead/L1/2@acme", "Lead/L1/3@acme", "Lead/L1/4@acme"], events.Select(e => e.EventId));
        Assert.Equal(Instant.FromUtc(2026, 11, 2, 10, 40), events[3].OccurredAt);
        var accepted = Assert.IsType<LeadAccepted>(events[3]);
        Assert.Equal(Instant.FromUtc(2026, 11, 2, 9, 10), accepted.AssignedAt);
        Assert.Equal("p1", accepted.Actor);
    }

    [Fact]
    public void Snapshot_RoundTrip_PreservesStateAndVersion()
    {
        var lead = InState(LeadState.Rejected);
        lead.MarkCommitted(1);
        var copy = Lead.FromSnapshot(lead.ToSnapshot());
        Assert.Equal(lead.ToSnapshot(), copy.ToSnapshot());
        Assert.Equal(1, copy.Version);
        Assert.Empty(copy.PendingEvents);
    }

    [Fact]
    public void Capture_NegativeEstimatedValue_ThrowsNamingField()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LeadDetails { EstimatedValue = new Money(-1m, CurrencyCode.EUR) });
        Assert.Equal("EstimatedValue", ex.ParamName);
    }

    [Fact]
    public void Capture_EmptyActor_ThrowsNamingActor()
    {
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => Lead.Capture(Tenant, new LeadId("L"), new LeadDetails(), "", _clock)).ParamName);
    }
}
