using NodaTime;

namespace Opportunity.Workflows;

/// <summary>
/// How long <see cref="PersonalDataService.SweepAsync"/> keeps the contact data of closed records
/// (docs/persistence.md, "Erasure and retention"). Bound from configuration by
/// <c>AddPersonalDataErasure(configuration)</c>, e.g. <c>{ "ClosedOpportunityAge": "P365D", "ClosedLeadAge": "P180D" }</c>.
/// </summary>
public sealed class PersonalDataRetentionOptions
{
    /// <summary>The largest allowed <see cref="MaxRecordsPerSweep"/>: 100,000.</summary>
    public const int MaxBatch = 100_000;

    /// <summary>
    /// Erase a won or lost deal (and the lead it came from) this long after it closed; null (default)
    /// keeps them. Positive when set.
    /// </summary>
    public Duration? ClosedOpportunityAge { get; set; }

    /// <summary>
    /// Erase a disqualified lead or an expired deal registration this long after its last activity; null
    /// (default) keeps them. Positive when set. A converted lead goes with its deal.
    /// </summary>
    public Duration? ClosedLeadAge { get; set; }

    /// <summary>How many records one sweep of a tenant erases at most; 1 to <see cref="MaxBatch"/>, default 1,000 (the next sweep goes on).</summary>
    public int MaxRecordsPerSweep { get; set; } = 1_000;
}
