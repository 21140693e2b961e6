using Opportunity.Leads;

namespace Opportunity.Persistence.AdapterSupport;

/// <summary>
/// The argument checks of <see cref="ILeadMergeStore.MergeAsync"/>, shared by every adapter so
/// SQLite, PostgreSQL, the in-memory store and your own adapter refuse the same things.
/// </summary>
public static class LeadMergeRules
{
    /// <summary>Checks that <paramref name="merged"/> is merged into <paramref name="survivor"/>, which lists it, both stored leads of one tenant.</summary>
    /// <exception cref="ArgumentException">One of these does not hold; the message says which.</exception>
    public static void Check(Lead survivor, Lead merged)
    {
        ArgumentNullException.ThrowIfNull(survivor);
        ArgumentNullException.ThrowIfNull(merged);
        if (survivor.Tenant != merged.Tenant)
        {
            throw new ArgumentException($"Lead '{survivor.Id}' is in tenant '{survivor.Tenant}', lead '{merged.Id}' in tenant '{merged.Tenant}'.", nameof(merged));
        }

        if (merged.State != LeadState.Merged || merged.MergedInto != survivor.Id || !survivor.MergedLeads.Contains(merged.Id))
        {
            throw new ArgumentException($"Lead '{merged.Id}' must be merged into lead '{survivor.Id}' (call Lead.MergeIn) before the store saves the merge.", nameof(merged));
        }

        if (survivor.Version == 0 || merged.Version == 0)
        {
            throw new ArgumentException($"A merge updates two stored leads (versions ≥ 1, here {survivor.Version} and {merged.Version}).", nameof(survivor));
        }
    }
}
