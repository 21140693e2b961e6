using NodaTime;
using Opportunity.Routing;

namespace Opportunity.Persistence;

/// <summary>
/// Supplies partner load (open leads, last assignment) for routing, and hears about the workflow's
/// own changes so a cache can stay current between recounts.
/// </summary>
public interface IPartnerLoadProvider
{
    /// <summary>The load of <paramref name="tenant"/>'s partners.</summary>
    ValueTask<IPartnerLoad> GetAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>A lead was assigned (or a broadcast accepted) at <paramref name="at"/>.</summary>
    void RecordAssignment(TenantId tenant, PartnerId partner, Instant at);

    /// <summary>An open lead left the partner (rejected, recalled, converted, disqualified).</summary>
    void RecordRelease(TenantId tenant, PartnerId partner);
}
