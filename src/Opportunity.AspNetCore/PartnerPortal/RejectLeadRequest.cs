namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>Body of a rejection: why the partner gives the lead back (required; recorded and shown to the manufacturer).</summary>
/// <param name="Reason">The reason, not empty.</param>
public sealed record RejectLeadRequest(string? Reason);
