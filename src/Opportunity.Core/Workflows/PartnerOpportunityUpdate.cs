using NodaTime;

namespace Opportunity.Workflows;

/// <summary>
/// What a partner changes on its deal with <see cref="PartnerOpportunityService.UpdateAsync"/>; null
/// members stay as they are. Applied in this order (stage, amount, close date, next step) and saved
/// together, or not at all.
/// </summary>
public sealed record PartnerOpportunityUpdate
{
    /// <summary>An open stage of the deal's pipeline to move to.</summary>
    public string? Stage { get; init; }

    /// <summary>The new amount, in the deal's currency.</summary>
    public Money? Amount { get; init; }

    /// <summary>The new expected close date.</summary>
    public LocalDate? ExpectedClose { get; init; }

    /// <summary>The agreed next step, recorded as a <see cref="SalesActivityKind.NextStep"/> activity when it differs from the current one.</summary>
    public string? NextStep { get; init; }

    /// <summary>When the next step is due (with <see cref="NextStep"/>).</summary>
    public Instant? NextStepDueAt { get; init; }

    /// <summary>The version the caller read; when given and the deal changed since, the update is refused with a <see cref="ConcurrencyException"/>.</summary>
    public long? ExpectedVersion { get; init; }
}
