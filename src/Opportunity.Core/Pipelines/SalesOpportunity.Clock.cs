using NodaTime;
using Opportunity.Partners;

namespace Opportunity.Pipelines;

public sealed partial class SalesOpportunity
{
    /// <summary>The paused SLA clock (e.g. waiting on the customer); null while it runs.</summary>
    public ClockPause? ClockPause => _s.ClockPause;

    /// <summary>Pauses the deal's SLA clock with a reason: its follow-up due time is held back until <see cref="ResumeClock"/>.</summary>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    /// <exception cref="DomainRuleException">The clock is already paused (<see cref="OpportunityErrorCodes.ClockAlreadyPaused"/>).</exception>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    public void PauseClock(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureOpen(nameof(PauseClock));
        if (_s.ClockPause is { } paused)
        {
            throw new DomainRuleException(OpportunityErrorCodes.ClockAlreadyPaused, $"The SLA clock of opportunity '{Id}' is already paused (since {paused.PausedAt}).");
        }

        var now = Now(clock);
        _s = _s with { ClockPause = new ClockPause(now, why) { HeldDueAt = _s.NextDueAt }, NextDueAt = null };
        Raise(new ClockPaused(why), now, RequireActor(actor));
    }

    /// <summary>Resumes the paused clock: the held due time moves later by the pause's working time in <paramref name="calendar"/> (the partner's); returns that working time.</summary>
    /// <exception cref="DomainRuleException">The clock runs (<see cref="OpportunityErrorCodes.ClockNotPaused"/>).</exception>
    public Duration ResumeClock(IBusinessCalendar calendar, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var pause = _s.ClockPause ?? throw new DomainRuleException(OpportunityErrorCodes.ClockNotPaused, $"The SLA clock of opportunity '{Id}' is not paused.");
        var now = Now(clock);
        var paused = ClockShift.PausedWorkingTime(calendar, pause.PausedAt, now);
        _s = _s with { ClockPause = null, NextDueAt = ClockShift.Shift(calendar, pause.HeldDueAt, paused) };
        Raise(new ClockResumed(pause.PausedAt, paused), now, RequireActor(actor));
        return paused;
    }
}
