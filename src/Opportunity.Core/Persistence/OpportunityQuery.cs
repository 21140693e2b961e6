namespace Opportunity.Persistence;

/// <summary>Filters for <see cref="IOpportunityStore.QueryAsync"/>; null members do not filter.</summary>
public sealed record OpportunityQuery
{
    /// <summary>Everything visible.</summary>
    public static OpportunityQuery All { get; } = new();

    /// <summary>Only open (true) or only closed (false) opportunities.</summary>
    public bool? IsOpen { get; init; }

    /// <summary>Only opportunities of this partner (within the scope).</summary>
    public PartnerId? Partner { get; init; }
}
