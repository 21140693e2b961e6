using NodaTime;

namespace Opportunity.Pipelines;

/// <summary>
/// Every stored fact of a <see cref="SalesOpportunity"/>, as plain data, for persistence adapters
/// (see <see cref="SalesOpportunity.FromSnapshot"/>).
/// </summary>
public sealed record SalesOpportunitySnapshot
{
    /// <summary>The id.</summary>
    public required OpportunityId Id { get; init; }

    /// <summary>The tenant.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The partner working it.</summary>
    public required PartnerId Partner { get; init; }

    /// <summary>Title.</summary>
    public string? Name { get; init => field = TextRules.Optional(value, "SalesOpportunity.Name"); }

    /// <summary>Amount.</summary>
    public required Money Amount { get; init; }

    /// <summary>Expected close date.</summary>
    public required LocalDate ExpectedClose { get; init; }

    /// <summary>The pipeline definition's id.</summary>
    public required string PipelineId { get; init; }

    /// <summary>Current stage name.</summary>
    public required string Stage { get; init; }

    /// <summary>Probability override, cleared on stage change.</summary>
    public Probability? ProbabilityOverride { get; init; }

    /// <summary>Forecast category override.</summary>
    public ForecastCategory? ForecastCategoryOverride { get; init; }

    /// <summary>Region.</summary>
    public string? Region { get; init => field = TextRules.Optional(value, "SalesOpportunity.Region"); }

    /// <summary>Product line.</summary>
    public string? ProductLine { get; init => field = TextRules.Optional(value, "SalesOpportunity.ProductLine"); }

    /// <summary>Line items; null when the deal has none (its amount is then kept directly). Stored in the document, left out when null.</summary>
    public IReadOnlyList<OpportunityLine>? Lines { get; init; }

    /// <summary>Credit splits; null when the deal has none (all credit to the partner). Stored in the document, left out when null.</summary>
    public IReadOnlyList<OpportunitySplit>? Splits { get; init; }

    /// <summary>Source lead.</summary>
    public LeadId? SourceLead { get; init; }

    /// <summary>The customer's normalised duplicate keys; null when unknown. Stores index them (personal data: the phone key).</summary>
    public Leads.DuplicateKeys? CustomerKeys { get; init; }

    /// <summary>Stage history, oldest first (the first entry is the opening stage).</summary>
    public IReadOnlyList<StageChange> History { get; init; } = [];

    /// <summary>Exit criteria of the current stage already met.</summary>
    public IReadOnlyList<string> MetCriteria { get; init => field = TextRules.All(value, "SalesOpportunity.MetCriteria"); } = [];

    /// <summary>The documented close reason, when closed.</summary>
    public string? CloseReason { get; init => field = TextRules.Optional(value, "SalesOpportunity.CloseReason"); }

    /// <summary>When it was closed.</summary>
    public Instant? ClosedAt { get; init; }

    /// <summary>When opened.</summary>
    public required Instant CreatedAt { get; init; }

    /// <summary>When the current stage was entered.</summary>
    public required Instant StageEnteredAt { get; init; }

    /// <summary>When anything last happened.</summary>
    public required Instant LastActivityAt { get; init; }

    /// <summary>When time-based work (follow-up) is next due; stores index this.</summary>
    public Instant? NextDueAt { get; init; }

    /// <summary>The typed activities (calls, meetings, e-mails, notes, tasks, next steps), oldest first; null when none.</summary>
    public IReadOnlyList<SalesActivity>? Activities { get; init; }

    /// <summary>The paused SLA clock; null while it runs.</summary>
    public ClockPause? ClockPause { get; init; }

    /// <summary>When its personal data was erased; null while it is kept.</summary>
    public Instant? ErasedAt { get; init; }

    /// <summary>Optimistic-concurrency version.</summary>
    public long Version { get; init; }

    /// <summary>Number of events raised over its life.</summary>
    public long EventCount { get; init; }
}
