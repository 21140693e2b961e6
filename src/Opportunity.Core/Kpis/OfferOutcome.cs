namespace Opportunity.Kpis;

/// <summary>How a lead offer to a partner ended.</summary>
public enum OfferOutcome
{
    /// <summary>Still waiting for the partner.</summary>
    Pending = 0,

    /// <summary>The partner accepted the lead.</summary>
    Accepted = 1,

    /// <summary>The partner rejected it (with a reason).</summary>
    Rejected = 2,

    /// <summary>The acceptance SLA ran out and the lead was recalled.</summary>
    Expired = 3,

    /// <summary>The lead was disqualified while the offer was open; neither side decided.</summary>
    Withdrawn = 4,
}
