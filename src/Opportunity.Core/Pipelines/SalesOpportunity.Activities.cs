using NodaTime;

namespace Opportunity.Pipelines;

// Typed activities of the partner working the deal (issue 14 item 4).
public sealed partial class SalesOpportunity
{
    /// <summary>The activities recorded on the deal, oldest first.</summary>
    public IReadOnlyList<SalesActivity> Activities => _s.Activities ?? [];

    /// <summary>The latest agreed next step, or null.</summary>
    public SalesActivity? NextStep => SalesActivityLog.NextStep(_s.Activities);

    /// <summary>
    /// Records an activity on the open deal (raises <see cref="SalesActivityRecorded"/>);
    /// <see cref="LastActivityAt"/> becomes the later of itself and the activity's time, so a deal
    /// with a recent activity is not asked for a follow-up.
    /// </summary>
    /// <returns>The activity as stored, with its number.</returns>
    /// <exception cref="InputValidationException">The draft breaks a rule (a task without due date, a time after now; the error names the field).</exception>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    public SalesActivity RecordActivity(SalesActivityDraft draft, string actor, IClock clock)
    {
        var who = RequireActor(actor);
        EnsureOpen("RecordActivity");
        var now = Now(clock);
        var activity = SalesActivityLog.Create(_s.Activities, draft, who, now);
        _s = _s with { Activities = [.. Activities, activity], LastActivityAt = SalesActivityLog.LastActivity(_s.LastActivityAt, activity) };
        Raise(new SalesActivityRecorded(activity), now, who);
        return activity;
    }

    /// <summary>Completes an open task of the open deal with its outcome (raises <see cref="SalesTaskCompleted"/>); counts as activity now.</summary>
    /// <exception cref="InvalidInputException">No open task has the number (field <c>number</c>).</exception>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    public void CompleteTask(int number, string outcome, string actor, IClock clock)
    {
        var how = RequireReason(outcome, nameof(outcome));
        var who = RequireActor(actor);
        EnsureOpen("CompleteTask");
        var now = Now(clock);
        _s = _s with { Activities = SalesActivityLog.Complete(_s.Activities, number, how, now), LastActivityAt = Instant.Max(_s.LastActivityAt, now) };
        Raise(new SalesTaskCompleted(number, how), now, who);
    }
}
