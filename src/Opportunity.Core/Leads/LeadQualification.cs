namespace Opportunity.Leads;

/// <summary>The BANT qualification of a lead: need, budget, authority and timing, each confirmed or not.</summary>
/// <param name="NeedConfirmed">The prospect has a real need for the product.</param>
/// <param name="BudgetConfirmed">The prospect has budget.</param>
/// <param name="AuthorityConfirmed">The contact can decide or reaches who does.</param>
/// <param name="TimingConfirmed">The purchase is planned within a reasonable time.</param>
public sealed record LeadQualification(bool NeedConfirmed, bool BudgetConfirmed, bool AuthorityConfirmed, bool TimingConfirmed)
{
    /// <summary>Nothing confirmed yet.</summary>
    public static LeadQualification None { get; } = new(false, false, false, false);

    /// <summary>All four confirmed.</summary>
    public static LeadQualification Full { get; } = new(true, true, true, true);

    /// <summary>True when need, budget, authority and timing are all confirmed.</summary>
    public bool IsComplete => NeedConfirmed && BudgetConfirmed && AuthorityConfirmed && TimingConfirmed;

    /// <summary>Names of the criteria not yet confirmed, e.g. <c>["Budget", "Timing"]</c>.</summary>
    public IReadOnlyList<string> Missing =>
    [
        .. NeedConfirmed ? Array.Empty<string>() : ["Need"],
        .. BudgetConfirmed ? Array.Empty<string>() : ["Budget"],
        .. AuthorityConfirmed ? Array.Empty<string>() : ["Authority"],
        .. TimingConfirmed ? Array.Empty<string>() : ["Timing"],
    ];
}
