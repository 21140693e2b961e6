using Opportunity.Leads;
using Opportunity.Persistence;

namespace Opportunity.Workflows;

/// <summary>The workflow services' one way to load a lead they are about to change.</summary>
internal static class LeadStoreReads
{
    /// <summary>The lead, read with the manufacturer's scope.</summary>
    /// <exception cref="EntityNotFoundException">The lead does not exist (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</exception>
    public static async Task<Lead> GetAsync(this ILeadStore leads, TenantId tenant, LeadId id, CancellationToken cancellationToken) =>
        await leads.FindAsync(AccessScope.Manufacturer(tenant), id, cancellationToken).ConfigureAwait(false)
            ?? throw EntityNotFoundException.ForLead(tenant, id);
}
