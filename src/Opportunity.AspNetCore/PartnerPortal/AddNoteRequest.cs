namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>Body of a note: activity the partner reports on a deal (a call, a visit); restarts the follow-up clock.</summary>
/// <param name="Text">The note, not empty.</param>
public sealed record AddNoteRequest(string? Text);
