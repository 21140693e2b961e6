namespace Opportunity.Pipelines;

/// <summary>The part a party plays in an opportunity split (who gets credit for the deal).</summary>
public enum SplitRole
{
    /// <summary>The reselling partner.</summary>
    Partner = 0,

    /// <summary>The distributor supplying the partner.</summary>
    Distributor = 1,

    /// <summary>The manufacturer's representative.</summary>
    ManufacturerRep = 2,
}
