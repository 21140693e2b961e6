using NodaTime;

namespace Opportunity.Leads;

/// <summary>
/// One recycling of a lead: when, from which state, why, and the partner that had accepted it before
/// (kept so its acceptance still counts once in the KPIs after the assignment is cleared).
/// </summary>
/// <param name="At">When the lead was recycled.</param>
/// <param name="From">The state it left (Rejected, SlaExpired, Unroutable, Disqualified or RegistrationExpired).</param>
/// <param name="Reason">Why it was recycled.</param>
public sealed record LeadRecycleRound(Instant At, LeadState From, string Reason)
{
    /// <summary>The partner that had accepted the lead before it was recycled; null when no partner held it.</summary>
    public PartnerId? AcceptedBy { get; init; }

    /// <summary>When <see cref="AcceptedBy"/> had been assigned the lead.</summary>
    public Instant? AssignedAt { get; init; }

    /// <summary>When <see cref="AcceptedBy"/> accepted the lead.</summary>
    public Instant? AcceptedAt { get; init; }
}
