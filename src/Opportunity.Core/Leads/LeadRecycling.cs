using System.Text.Json.Serialization;

namespace Opportunity.Leads;

/// <summary>
/// How a lead came back: each time it was recycled (oldest first) and the lost deal it was recycled
/// from. Stored with the lead, so the history survives every round (see docs/routing.md#leads-come-back).
/// </summary>
public sealed record LeadRecycling
{
    /// <summary>Every recycling round of this lead, oldest first.</summary>
    public IReadOnlyList<LeadRecycleRound> Rounds { get; init; } = [];

    /// <summary>The lost deal this lead was recycled from; null for a lead recycled from its own dead end.</summary>
    public OpportunityId? LostDeal { get; init; }

    /// <summary>How many times this lead was recycled (a lead made from a lost deal starts at zero).</summary>
    [JsonIgnore]
    public int Count => Rounds.Count;
}
