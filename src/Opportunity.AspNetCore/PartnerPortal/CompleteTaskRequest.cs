namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>Body that completes a task.</summary>
/// <param name="Outcome">How it went; not empty.</param>
public sealed record CompleteTaskRequest(string? Outcome);
