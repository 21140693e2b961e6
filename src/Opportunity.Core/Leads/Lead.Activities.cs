using NodaTime;

namespace Opportunity.Leads;

// Typed activities of the partner working the accepted lead (issue 14 item 4).
public sealed partial class Lead
{
    /// <summary>The activities recorded on the lead, oldest first.</summary>
    public IReadOnlyList<SalesActivity> Activities => _s.Activities ?? [];

    /// <summary>The latest agreed next step, or null.</summary>
    public SalesActivity? NextStep => SalesActivityLog.NextStep(_s.Activities);

    /// <summary>
    /// The partner working the accepted lead records an activity (raises <see cref="SalesActivityRecorded"/>);
    /// <see cref="LastActivityAt"/> becomes the later of itself and the activity's time, which restarts the follow-up clock.
    /// </summary>
    /// <returns>The activity as stored, with its number.</returns>
    /// <exception cref="InputValidationException">The draft breaks a rule (a task without due date, a time after now; the error names the field).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    public SalesActivity RecordActivity(SalesActivityDraft draft, string actor, IClock clock)
    {
        var who = RequireActor(actor);
        EnsureState("RecordActivity", LeadState.Accepted);
        var now = Now(clock);
        var activity = SalesActivityLog.Create(_s.Activities, draft, who, now);
        _s = _s with { Activities = [.. Activities, activity], LastActivityAt = SalesActivityLog.LastActivity(_s.LastActivityAt, activity) };
        Raise(new SalesActivityRecorded(activity), now, who);
        return activity;
    }

    /// <summary>Completes an open task of the accepted lead with its outcome (raises <see cref="SalesTaskCompleted"/>); counts as activity now.</summary>
    /// <exception cref="InvalidInputException">No open task has the number (field <c>number</c>).</exception>
    /// <exception cref="InvalidStateTransitionException">The lead is not Accepted.</exception>
    public void CompleteTask(int number, string outcome, string actor, IClock clock)
    {
        var how = RequireReason(outcome, nameof(outcome));
        var who = RequireActor(actor);
        EnsureState("CompleteTask", LeadState.Accepted);
        var now = Now(clock);
        _s = _s with { Activities = SalesActivityLog.Complete(_s.Activities, number, how, now), LastActivityAt = Instant.Max(_s.LastActivityAt, now) };
        Raise(new SalesTaskCompleted(number, how), now, who);
    }
}
