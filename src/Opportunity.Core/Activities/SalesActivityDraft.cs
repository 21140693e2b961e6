using NodaTime;

namespace Opportunity;

/// <summary>
/// An activity to record on a lead (<c>PartnerLeadService.RecordActivityAsync</c>) or opportunity
/// (<c>PartnerOpportunityService.RecordActivityAsync</c>). A task needs <see cref="DueAt"/>; an
/// activity cannot have happened after it is recorded.
/// </summary>
/// <param name="Kind">What kind of activity.</param>
/// <param name="Subject">What it was about; not empty.</param>
public sealed record SalesActivityDraft(SalesActivityKind Kind, string Subject)
{
    /// <summary>When it happened; null for now. A call logged the day after carries yesterday's time.</summary>
    public Instant? OccurredAt { get; init; }

    /// <summary>When a task (required) or next step (optional) is due.</summary>
    public Instant? DueAt { get; init; }

    /// <summary>How a call, meeting or e-mail went; a task gets its outcome when completed.</summary>
    public string? Outcome { get; init; }

    /// <summary>A free-text note.</summary>
    public static SalesActivityDraft Note(string text) => new(SalesActivityKind.Note, text);

    /// <summary>A task due at <paramref name="dueAt"/>.</summary>
    public static SalesActivityDraft Task(string subject, Instant dueAt) => new(SalesActivityKind.Task, subject) { DueAt = dueAt };

    /// <summary>The agreed next step, optionally with a date.</summary>
    public static SalesActivityDraft NextStep(string subject, Instant? dueAt = null) => new(SalesActivityKind.NextStep, subject) { DueAt = dueAt };
}
