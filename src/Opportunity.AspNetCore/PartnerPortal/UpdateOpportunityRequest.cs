namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>Body of an opportunity update; null members stay as they are.</summary>
/// <param name="Stage">An open stage of the deal's pipeline to move to.</param>
/// <param name="Amount">The new amount, in the deal's currency.</param>
/// <param name="ExpectedClose">The new expected close date (ISO 8601 date).</param>
/// <param name="Version">The version the caller read; when given and the deal changed since, the update is refused with a concurrency error.</param>
public sealed record UpdateOpportunityRequest(string? Stage = null, PortalMoney? Amount = null, DateOnly? ExpectedClose = null, long? Version = null)
{
    /// <summary>The agreed next step; recorded as a next-step activity when it differs from the current one.</summary>
    public string? NextStep { get; init; }

    /// <summary>When the next step is due (ISO 8601 with offset), with <see cref="NextStep"/>.</summary>
    public DateTimeOffset? NextStepDue { get; init; }
}
