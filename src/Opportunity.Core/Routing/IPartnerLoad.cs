using NodaTime;

namespace Opportunity.Routing;

/// <summary>The current load of the partners: what capacity, load-balancing and round-robin rules read.</summary>
public interface IPartnerLoad
{
    /// <summary>Open leads (assigned or accepted, not yet converted or closed) of a partner; 0 when unknown.</summary>
    int OpenLeads(PartnerId partner);

    /// <summary>When the partner last got a lead (routed or manual); null when never.</summary>
    Instant? LastAssignedAt(PartnerId partner);
}
