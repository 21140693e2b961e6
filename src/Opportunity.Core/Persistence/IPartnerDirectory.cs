using Opportunity.Partners;

namespace Opportunity.Persistence;

/// <summary>The partners of each tenant.</summary>
public interface IPartnerDirectory
{
    /// <summary>The partner, or null when unknown in the tenant.</summary>
    Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default);

    /// <summary>All partners of a tenant, active or not, ordered by id.</summary>
    IAsyncEnumerable<Partner> ListAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a partner.</summary>
    Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default);
}
