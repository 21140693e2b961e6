using NodaTime;

namespace Opportunity.Leads;

/// <summary>
/// The timers of a partner's deal registration (<see cref="Lead.Registration"/>), computed in the
/// registrant's business calendar when the registration is made, approved or extended. The due-work
/// processor acts on them: it escalates an approval that is overdue, warns before protection ends,
/// and expires an approved registration that was neither converted nor extended in time.
/// </summary>
public sealed record DealRegistrationTerms
{
    /// <summary>By when the manufacturer should approve or reject the registration.</summary>
    public required Instant ApprovalDueAt { get; init; }

    /// <summary>True once the overdue approval was escalated (it is escalated once).</summary>
    public bool ApprovalEscalated { get; init; }

    /// <summary>When the approved registration's protection ends; null until approved.</summary>
    public Instant? ProtectedUntil { get; init; }

    /// <summary>When the registrant is warned that protection ends soon; null when no warning is (still) due.</summary>
    public Instant? ExpiryWarningAt { get; init; }

    /// <summary>How many extensions were approved.</summary>
    public int Extensions { get; init; }

    /// <summary>The registrant's extension request waiting for the manufacturer's decision; null when none.</summary>
    public string? PendingExtensionReason { get; init => field = TextRules.Optional(value, "DealRegistrationTerms.PendingExtensionReason"); }

    /// <summary>The other partner's registration of the same deal found when this one was made; null when none.</summary>
    public LeadId? CompetingRegistration { get; init; }
}
