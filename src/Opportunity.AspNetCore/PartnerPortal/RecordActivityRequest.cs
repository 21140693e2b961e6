namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>Body of an activity a partner records on its lead or deal; restarts the follow-up clock from the latest activity.</summary>
/// <param name="Kind">call, meeting, email, note, task or nextStep.</param>
/// <param name="Subject">What it was about; not empty.</param>
/// <param name="OccurredAt">When it happened (ISO 8601 with offset); omitted for now, never later than now.</param>
/// <param name="DueAt">When a task (required) or next step (optional) is due.</param>
/// <param name="Outcome">How a call, meeting or e-mail went.</param>
public sealed record RecordActivityRequest(string? Kind, string? Subject, DateTimeOffset? OccurredAt = null, DateTimeOffset? DueAt = null, string? Outcome = null);
