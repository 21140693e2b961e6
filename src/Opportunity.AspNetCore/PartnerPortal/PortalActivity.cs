namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>An activity on a lead or deal, in the portal's JSON.</summary>
/// <param name="Number">Its number within the lead or deal (names a task to complete).</param>
/// <param name="Kind">call, meeting, email, note, task or nextStep.</param>
/// <param name="Subject">What it was about.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Actor">Who recorded it.</param>
/// <param name="DueAt">When a task or next step is due.</param>
/// <param name="Outcome">How it went.</param>
/// <param name="CompletedAt">When a task was completed.</param>
public sealed record PortalActivity(int Number, string Kind, string Subject, DateTimeOffset OccurredAt, string Actor, DateTimeOffset? DueAt, string? Outcome, DateTimeOffset? CompletedAt)
{
    internal static PortalActivity From(SalesActivity activity) => new(
        activity.Number,
        PortalActivityKinds.Name(activity.Kind),
        activity.Subject,
        activity.OccurredAt.ToDateTimeOffset(),
        activity.Actor,
        activity.DueAt?.ToDateTimeOffset(),
        activity.Outcome,
        activity.CompletedAt?.ToDateTimeOffset());
}
