using NodaTime;
using Opportunity.Partners;

namespace Opportunity.Workflows;

/// <summary>
/// What happens while a partner leaves a lead unanswered, e.g. remind after 4 working hours,
/// notify the channel manager after 8, recall and re-route after 24. Times are working time in the
/// partner's <see cref="BusinessCalendar"/>, so weekends, holidays, night hours and DST changes of
/// the partner's own zone do not count. Steps are strictly increasing; the last is the recall,
/// whose time is the acceptance deadline.
/// </summary>
public sealed class EscalationLadder
{
    private readonly EscalationStep[] _steps;

    /// <summary>Creates a ladder.</summary>
    /// <exception cref="ArgumentException">No steps, times not strictly increasing, or not exactly one Recall as the last step.</exception>
    public EscalationLadder(IEnumerable<EscalationStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = [.. steps];
        if (_steps.Length == 0 || _steps[^1].Action != EscalationAction.Recall || _steps[..^1].Any(s => s.Action == EscalationAction.Recall))
        {
            throw new ArgumentException("An escalation ladder needs exactly one Recall step, and it must be the last.", nameof(steps));
        }

        for (var i = 1; i < _steps.Length; i++)
        {
            if (_steps[i].After <= _steps[i - 1].After)
            {
                throw new ArgumentException($"Escalation step {i} ({_steps[i].After}) must come after step {i - 1} ({_steps[i - 1].After}).", nameof(steps));
            }
        }
    }

    /// <summary>Remind after 4 working hours, notify the channel manager after 8, recall after 24 (three working days of 8 hours).</summary>
    public static EscalationLadder Default { get; } = new(
    [
        new EscalationStep(Duration.FromHours(4), EscalationAction.RemindPartner),
        new EscalationStep(Duration.FromHours(8), EscalationAction.NotifyChannelManager),
        new EscalationStep(Duration.FromHours(24), EscalationAction.Recall),
    ]);

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<EscalationStep> Steps => _steps;

    /// <summary>Working time until the recall: the acceptance SLA.</summary>
    public Duration AcceptanceTime => _steps[^1].After;

    /// <summary>The instant step <paramref name="step"/> is due for a lead assigned at <paramref name="assignedAt"/> in <paramref name="calendar"/>.</summary>
    public Instant DueAt(int step, Instant assignedAt, IBusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.AddWorkingTime(assignedAt, _steps[step].After);
    }
}
