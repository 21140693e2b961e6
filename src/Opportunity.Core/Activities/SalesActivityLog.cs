using NodaTime;

namespace Opportunity;

/// <summary>The activity rules shared by leads and opportunities: validating a draft, numbering it, completing a task.</summary>
internal static class SalesActivityLog
{
    /// <exception cref="InputValidationException">The draft breaks a rule (each error names its field).</exception>
    /// <exception cref="InvalidInputException">The log is full (<see cref="OpportunityErrorCodes.ActivityLimitReached"/>, field <c>activities</c>).</exception>
    public static SalesActivity Create(IReadOnlyList<SalesActivity>? log, SalesActivityDraft draft, string actor, Instant now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if ((log?.Count ?? 0) >= SalesActivity.MaxPerRecord)
        {
            throw new InvalidInputException(OpportunityErrorCodes.ActivityLimitReached, "activities", $"The record holds {log!.Count} activities; {SalesActivity.MaxPerRecord} is the most one lead or opportunity may hold.");
        }

        var errors = new List<ValidationError>();
        if (!Enum.IsDefined(draft.Kind))
        {
            errors.Add(new ValidationError("kind", $"Unknown activity kind {(int)draft.Kind}."));
        }

        if (string.IsNullOrWhiteSpace(draft.Subject))
        {
            errors.Add(new ValidationError("subject", "An activity needs a subject."));
        }

        foreach (var (field, text) in new[] { ("subject", draft.Subject), ("outcome", draft.Outcome) })
        {
            if (text?.Trim().Length > SalesActivity.MaxTextLength)
            {
                errors.Add(new ValidationError(field, $"The {field} is {text.Trim().Length} characters long; {SalesActivity.MaxTextLength} is the most."));
            }
        }

        if (draft.OccurredAt > now)
        {
            errors.Add(new ValidationError("occurredAt", $"An activity cannot have happened at {draft.OccurredAt}, after it is recorded ({now})."));
        }

        if (draft.Kind == SalesActivityKind.Task && draft.DueAt is null)
        {
            errors.Add(new ValidationError("dueAt", "A task needs a due date."));
        }
        else if (draft.DueAt is not null && draft.Kind is not (SalesActivityKind.Task or SalesActivityKind.NextStep))
        {
            errors.Add(new ValidationError("dueAt", $"Only a task or a next step has a due date, not a {draft.Kind}."));
        }

        if (draft.Kind == SalesActivityKind.Task && !string.IsNullOrWhiteSpace(draft.Outcome))
        {
            errors.Add(new ValidationError("outcome", "A task gets its outcome when it is completed."));
        }

        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        return new SalesActivity
        {
            Number = (log?.Count ?? 0) + 1,
            Kind = draft.Kind,
            Subject = draft.Subject.Trim(),
            OccurredAt = draft.OccurredAt ?? now,
            Actor = actor,
            DueAt = draft.DueAt,
            Outcome = string.IsNullOrWhiteSpace(draft.Outcome) ? null : draft.Outcome.Trim(),
        };
    }

    /// <summary>The log with the task completed.</summary>
    /// <exception cref="InvalidInputException">No activity has the number, or it is not an open task (<see cref="OpportunityErrorCodes.ValidationFailed"/>, field <c>number</c>).</exception>
    public static IReadOnlyList<SalesActivity> Complete(IReadOnlyList<SalesActivity>? log, int number, string outcome, Instant now)
    {
        var task = log?.FirstOrDefault(a => a.Number == number);
        if (task is not { IsOpenTask: true })
        {
            var why = task is null ? "there is no such activity" : task.Kind == SalesActivityKind.Task ? "the task is completed already" : $"it is a {task.Kind}, not a task";
            throw new InvalidInputException(OpportunityErrorCodes.ValidationFailed, "number", $"Activity {number} cannot be completed: {why}.");
        }

        if (outcome.Length > SalesActivity.MaxTextLength)
        {
            throw new InvalidInputException(OpportunityErrorCodes.ValidationFailed, "outcome", $"The outcome is {outcome.Length} characters long; {SalesActivity.MaxTextLength} is the most.");
        }

        return [.. log!.Select(a => a.Number == number ? a with { Outcome = outcome, CompletedAt = now } : a)];
    }

    /// <summary>
    /// The log with its free text erased (subjects and outcomes read <paramref name="replacement"/>): a
    /// note may name the customer. Kinds, numbers, actors and times stay, so staleness and counts do not move.
    /// </summary>
    public static IReadOnlyList<SalesActivity>? Erase(IReadOnlyList<SalesActivity>? log, string replacement) =>
        log is null ? null : [.. log.Select(a => a with { Subject = replacement, Outcome = a.Outcome is null ? null : replacement })];

    /// <summary>The latest next step, or null.</summary>
    public static SalesActivity? NextStep(IReadOnlyList<SalesActivity>? log) => log?.LastOrDefault(a => a.Kind == SalesActivityKind.NextStep);

    /// <summary>The last activity time after <paramref name="activity"/>: a call logged late does not move it back.</summary>
    public static Instant LastActivity(Instant last, SalesActivity activity) => Instant.Max(last, activity.OccurredAt);
}
