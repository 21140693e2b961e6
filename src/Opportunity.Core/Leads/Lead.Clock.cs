using NodaTime;
using Opportunity.Partners;

namespace Opportunity.Leads;

public sealed partial class Lead
{
    /// <summary>The paused SLA clock (e.g. waiting on the customer); null while it runs.</summary>
    public ClockPause? ClockPause => _s.ClockPause;

    /// <summary>
    /// Pauses the lead's SLA clock with a reason: its due time is held back (<see cref="NextDueAt"/> is
    /// null, so no reminder, escalation, recall, follow-up or registration timer fires) until
    /// <see cref="ResumeClock"/>. The lead can still be accepted, rejected or converted meanwhile.
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The lead is Converted or Disqualified.</exception>
    /// <exception cref="DomainRuleException">The clock is already paused (<see cref="OpportunityErrorCodes.ClockAlreadyPaused"/>).</exception>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public void PauseClock(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        if (IsClosed)
        {
            throw new InvalidStateTransitionException(nameof(Lead), Id.Value, State.ToString(), nameof(PauseClock));
        }

        if (_s.ClockPause is { } paused)
        {
            throw new DomainRuleException(OpportunityErrorCodes.ClockAlreadyPaused, $"The SLA clock of lead '{Id}' is already paused (since {paused.PausedAt}).");
        }

        var now = Now(clock);
        _s = _s with { ClockPause = new ClockPause(now, why) { HeldDueAt = _s.NextDueAt }, NextDueAt = null };
        Raise(new ClockPaused(why), now, RequireActor(actor));
    }

    /// <summary>
    /// Resumes the paused clock. Every pending due time — the held due time, the acceptance deadline,
    /// the registration's approval deadline, protection end and expiry warning — moves later by the
    /// pause's working time in <paramref name="calendar"/> (the holder's), and so does the instant of
    /// an open assignment, from which the escalation ladder counts and time to accept is measured:
    /// the working time left at the pause is left after it. Returns that working time.
    /// </summary>
    /// <exception cref="DomainRuleException">The clock runs (<see cref="OpportunityErrorCodes.ClockNotPaused"/>).</exception>
    public Duration ResumeClock(IBusinessCalendar calendar, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var pause = _s.ClockPause ?? throw new DomainRuleException(OpportunityErrorCodes.ClockNotPaused, $"The SLA clock of lead '{Id}' is not paused.");
        var now = Now(clock);
        var paused = ClockShift.PausedWorkingTime(calendar, pause.PausedAt, now);
        Instant? Shift(Instant? due) => ClockShift.Shift(calendar, due, paused);
        var waiting = _s.State is LeadState.Assigned or LeadState.Offered;
        _s = _s with
        {
            ClockPause = null,
            NextDueAt = Shift(pause.HeldDueAt),
            AcceptanceDeadline = Shift(_s.AcceptanceDeadline),
            AssignedAt = waiting ? Shift(_s.AssignedAt) : _s.AssignedAt,
            Registration = _s.Registration is { } terms
                ? terms with
                {
                    ApprovalDueAt = _s.State == LeadState.PendingApproval ? Shift(terms.ApprovalDueAt)!.Value : terms.ApprovalDueAt,
                    ProtectedUntil = Shift(terms.ProtectedUntil),
                    ExpiryWarningAt = Shift(terms.ExpiryWarningAt),
                }
                : null,
        };
        Raise(new ClockResumed(pause.PausedAt, paused), now, RequireActor(actor));
        return paused;
    }
}
