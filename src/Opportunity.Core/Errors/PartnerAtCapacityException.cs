namespace Opportunity;

/// <summary>
/// Thrown by a store when a lead write would give a partner more open leads than its
/// <see cref="Partners.Partner.Capacity"/>. The store checks and counts in the same transaction as the
/// lead, so the limit holds across requests and hosts; nothing was written. The workflow re-routes the
/// lead without that partner (<see cref="OpportunityErrorCodes.PartnerAtCapacity"/>).
/// </summary>
public sealed class PartnerAtCapacityException : ConflictException
{
    /// <summary>Creates the exception.</summary>
    public PartnerAtCapacityException(TenantId tenant, PartnerId partner, string leadId, int openLeads, int capacity)
        : base(OpportunityErrorCodes.PartnerAtCapacity, $"Partner '{partner}' of tenant '{tenant}' is at capacity ({openLeads} of {capacity} open leads); lead '{leadId}' was not saved.")
    {
        Tenant = tenant;
        Partner = partner;
        LeadId = leadId;
        OpenLeads = openLeads;
        Capacity = capacity;
    }

    /// <summary>The tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>The partner that is full.</summary>
    public PartnerId Partner { get; }

    /// <summary>The lead that was not saved.</summary>
    public string LeadId { get; }

    /// <summary>The partner's open leads as counted by the store.</summary>
    public int OpenLeads { get; }

    /// <summary>The partner's capacity.</summary>
    public int Capacity { get; }
}
