using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.AdapterSupport;

/// <summary>
/// The argument checks of <see cref="ILeadConversionStore.ConvertAsync"/>, shared by every adapter
/// so SQLite, PostgreSQL, the in-memory store and your own adapter refuse the same things.
/// </summary>
public static class LeadConversionRules
{
    /// <summary>Checks that <paramref name="lead"/> is converted into the new <paramref name="opportunity"/>, which names it as its source, in the same tenant.</summary>
    /// <exception cref="ArgumentException">One of these does not hold; the message says which.</exception>
    public static void Check(Lead lead, SalesOpportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(opportunity);
        if (lead.Tenant != opportunity.Tenant)
        {
            throw new ArgumentException($"Lead '{lead.Id}' is in tenant '{lead.Tenant}', opportunity '{opportunity.Id}' in tenant '{opportunity.Tenant}'.", nameof(opportunity));
        }

        if (lead.State != LeadState.Converted || lead.ConvertedTo != opportunity.Id)
        {
            throw new ArgumentException($"Lead '{lead.Id}' must be converted into opportunity '{opportunity.Id}' (call Lead.Convert) before the store converts it.", nameof(lead));
        }

        if (opportunity.SourceLead != lead.Id)
        {
            throw new ArgumentException($"Opportunity '{opportunity.Id}' must name lead '{lead.Id}' as its source lead.", nameof(opportunity));
        }

        if (opportunity.Version != 0 || lead.Version == 0)
        {
            throw new ArgumentException($"Conversion adds a new opportunity (version 0, here {opportunity.Version}) and updates a stored lead (version ≥ 1, here {lead.Version}).", nameof(opportunity));
        }
    }

    /// <summary>
    /// The error for a write that would give <paramref name="lead"/> a second opportunity besides
    /// <paramref name="existing"/> (<see cref="OpportunityErrorCodes.LeadAlreadyConverted"/>);
    /// <paramref name="winner"/> is the partner of <paramref name="existing"/>, when known.
    /// </summary>
    public static ConflictException AlreadyConverted(TenantId tenant, LeadId lead, OpportunityId existing, PartnerId? winner = null) =>
        new(OpportunityErrorCodes.LeadAlreadyConverted, $"Lead '{lead}' of tenant '{tenant}' was already converted into opportunity '{existing}'; one lead yields at most one opportunity.", winner);
}
