using NodaTime;

namespace Opportunity.Leads;

/// <summary>
/// Every stored fact of a <see cref="Lead"/>, as plain data. Persistence adapters write this and
/// rebuild the lead with <see cref="Lead.FromSnapshot"/>; nothing else needs it.
/// </summary>
public sealed record LeadSnapshot
{
    /// <summary>The lead's id.</summary>
    public required LeadId Id { get; init; }

    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>Prospect data.</summary>
    public required LeadDetails Details { get; init; }

    /// <summary>Current state.</summary>
    public required LeadState State { get; init; }

    /// <summary>Qualification.</summary>
    public LeadQualification Qualification { get; init; } = LeadQualification.None;

    /// <summary>When captured.</summary>
    public required Instant CapturedAt { get; init; }

    /// <summary>The partner it is (or was last) assigned to.</summary>
    public PartnerId? AssignedPartner { get; init; }

    /// <summary>When it was last assigned.</summary>
    public Instant? AssignedAt { get; init; }

    /// <summary>The acceptance deadline of the current assignment.</summary>
    public Instant? AcceptanceDeadline { get; init; }

    /// <summary>When the current partner accepted.</summary>
    public Instant? AcceptedAt { get; init; }

    /// <summary>Every rejection so far.</summary>
    public IReadOnlyList<LeadRejection> Rejections { get; init; } = [];

    /// <summary>Partners that let the acceptance SLA run out.</summary>
    public IReadOnlyList<PartnerId> ExpiredPartners { get; init; } = [];

    /// <summary>Why it is unroutable or disqualified; free text (see <see cref="InvalidTextException"/>).</summary>
    public string? StateReason { get; init => field = TextRules.Optional(value, "Lead.StateReason"); }

    /// <summary>The opportunity it became.</summary>
    public OpportunityId? ConvertedTo { get; init; }

    /// <summary>When time-based work (reminder, escalation, follow-up) is next due; stores index this.</summary>
    public Instant? NextDueAt { get; init; }

    /// <summary>When anything last happened to it.</summary>
    public required Instant LastActivityAt { get; init; }

    /// <summary>Partners the lead is currently broadcast to (state <see cref="LeadState.Offered"/>); empty otherwise.</summary>
    public IReadOnlyList<PartnerId> Offers { get; init; } = [];

    /// <summary>How many escalation steps of the current assignment or offer have fired.</summary>
    public int EscalationStepsFired { get; init; }

    /// <summary>The partner that registered the lead as its own deal; null for manufacturer leads.</summary>
    public PartnerId? RegisteredBy { get; init; }

    /// <summary>The open lead or opportunity this lead duplicates, when duplicate detection found one.</summary>
    public LeadDuplicateLink? DuplicateOf { get; init; }

    /// <summary>The deal registration's timers (approval deadline, protection, extensions); null for manufacturer leads.</summary>
    public DealRegistrationTerms? Registration { get; init; }

    /// <summary>The typed activities (calls, meetings, e-mails, notes, tasks, next steps), oldest first; null when none.</summary>
    public IReadOnlyList<SalesActivity>? Activities { get; init; }

    /// <summary>The paused SLA clock; null while it runs.</summary>
    public ClockPause? ClockPause { get; init; }
    /// <summary>The recycling rounds and the lost deal the lead was recycled from; null for a lead never recycled.</summary>
    public LeadRecycling? Recycling { get; init; }

    /// <summary>The lead this one was merged into (state <see cref="LeadState.Merged"/>); null otherwise.</summary>
    public LeadId? MergedInto { get; init; }

    /// <summary>The duplicate leads merged into this one, oldest merge first.</summary>
    public IReadOnlyList<LeadId> MergedLeads { get; init; } = [];

    /// <summary>When its contact data was erased; null while it is kept.</summary>
    public Instant? ErasedAt { get; init; }

    /// <summary>Optimistic-concurrency version.</summary>
    public long Version { get; init; }

    /// <summary>Number of events raised over its life.</summary>
    public long EventCount { get; init; }
}
