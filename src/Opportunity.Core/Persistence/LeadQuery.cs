using Opportunity.Leads;

namespace Opportunity.Persistence;

/// <summary>Filters for <see cref="ILeadStore.QueryAsync"/>; null members do not filter.</summary>
public sealed record LeadQuery
{
    /// <summary>Everything visible.</summary>
    public static LeadQuery All { get; } = new();

    /// <summary>Only leads in one of these states.</summary>
    public IReadOnlyCollection<LeadState>? States { get; init; }

    /// <summary>Only leads assigned to this partner (within the scope).</summary>
    public PartnerId? Partner { get; init; }
}
