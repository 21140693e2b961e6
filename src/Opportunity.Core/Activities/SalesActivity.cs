using NodaTime;

namespace Opportunity;

/// <summary>
/// One typed activity on a lead or opportunity, kept in the record's document (every store keeps
/// it): a call, meeting, e-mail or note that happened, a task due at a date and completed later with
/// an outcome, or the agreed next step. Its <see cref="OccurredAt"/> counts as activity for the
/// stale-deal follow-ups: the record's <c>LastActivityAt</c> is at least the latest one.
/// </summary>
public sealed record SalesActivity
{
    /// <summary>
    /// The most activities one lead or opportunity holds (they live in its document, so an unbounded log
    /// would let one caller grow one record without end). Recording one more is
    /// <see cref="InvalidInputException"/> <see cref="OpportunityErrorCodes.ActivityLimitReached"/>, field <c>activities</c>.
    /// </summary>
    public const int MaxPerRecord = 1_000;

    /// <summary>The longest subject or outcome, in UTF-16 code units; a longer one is refused naming its field (<c>subject</c>, <c>outcome</c>).</summary>
    public const int MaxTextLength = 4_000;

    /// <summary>Its number within the record, 1 for the first; names the task to complete.</summary>
    public required int Number { get; init; }

    /// <summary>What kind of activity.</summary>
    public required SalesActivityKind Kind { get; init; }

    /// <summary>What it was about (the note, the call's subject, the task, the next step).</summary>
    public required string Subject { get; init => field = TextRules.Required(value, "SalesActivity.Subject"); }

    /// <summary>When it happened (for a task or next step: when it was agreed); never after it was recorded.</summary>
    public required Instant OccurredAt { get; init; }

    /// <summary>Who recorded it (the partner, or a user).</summary>
    public required string Actor { get; init => field = TextRules.Required(value, "SalesActivity.Actor"); }

    /// <summary>When a task (required) or next step (optional) is due.</summary>
    public Instant? DueAt { get; init; }

    /// <summary>How it went: given with a call or meeting, or when a task is completed.</summary>
    public string? Outcome { get; init => field = TextRules.Optional(value, "SalesActivity.Outcome"); }

    /// <summary>When a task was completed; null while it is open (and for other kinds).</summary>
    public Instant? CompletedAt { get; init; }

    /// <summary>True for a task not yet completed.</summary>
    public bool IsOpenTask => Kind == SalesActivityKind.Task && CompletedAt is null;
}
