using NodaTime;

namespace Opportunity.Kpis;

/// <summary>
/// One offer of a lead to a partner and what came of it: the raw material of partner KPIs. Build
/// them from lead events (<see cref="LeadOffers.FromEvents"/>), from stored leads
/// (<see cref="LeadOffers.FromLead"/>), or from your own CRM's assignment log.
/// </summary>
/// <param name="Lead">The lead.</param>
/// <param name="Partner">The partner offered to.</param>
/// <param name="Outcome">How the offer ended.</param>
public sealed record LeadOffer(LeadId Lead, PartnerId Partner, OfferOutcome Outcome)
{
    /// <summary>When the lead was offered; null when unknown (older offers of a stored lead).</summary>
    public Instant? OfferedAt { get; init; }

    /// <summary>The acceptance deadline (SLA); null when unknown.</summary>
    public Instant? Deadline { get; init; }

    /// <summary>When the partner accepted or rejected; null otherwise.</summary>
    public Instant? RespondedAt { get; init; }

    /// <summary>The partner's reason for a rejection.</summary>
    public string? RejectionReason { get; init; }

    /// <summary>The opportunity the accepted lead became.</summary>
    public OpportunityId? ConvertedTo { get; init; }

    /// <summary>True when the accepted lead was disqualified without becoming an opportunity (its fate is decided: not won).</summary>
    public bool ClosedWithoutOpportunity { get; init; }

    /// <summary>
    /// Whether the SLA was breached as of <paramref name="now"/>: expired, answered after the
    /// deadline, or still pending past it.
    /// </summary>
    public bool BreachedSla(Instant now) => Outcome switch
    {
        OfferOutcome.Expired => true,
        OfferOutcome.Accepted or OfferOutcome.Rejected => Deadline is { } d && RespondedAt is { } r && r > d,
        OfferOutcome.Pending => Deadline is { } d && now > d,
        _ => false,
    };
}
