namespace Opportunity.Leads;

/// <summary>What routing does with a lead that duplicates an open lead or opportunity.</summary>
public enum DuplicateHandling
{
    /// <summary>Offer it to the partner already working the deal (if eligible), else route normally. The default: one partner per deal.</summary>
    OfferToWorkingPartner = 0,

    /// <summary>Hold it in the manufacturer's queue (Unroutable, reason names the duplicate) for a person to decide.</summary>
    ManualReview = 1,

    /// <summary>Record the link but route normally.</summary>
    RouteNormally = 2,
}
