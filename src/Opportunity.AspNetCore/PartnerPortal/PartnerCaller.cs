using System.Security.Claims;

namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>The partner (and its tenant) a request comes from, read from the claims the portal's policy requires.</summary>
internal readonly record struct PartnerCaller(TenantId Tenant, PartnerId Partner)
{
    public AccessScope Scope => AccessScope.ForPartner(Tenant, Partner);

    /// <summary>The actor recorded in histories and events: the partner id.</summary>
    public string Actor => Partner.Value;

    public static PartnerCaller From(ClaimsPrincipal user, PartnerPortalOptions options)
    {
        // The endpoint's authorization policy has already required both claims.
        var partner = user.FindFirst(options.PartnerClaimType)!.Value;
        var tenant = options.Tenant ?? user.FindFirst(options.TenantClaimType)!.Value;
        return new PartnerCaller(new TenantId(tenant), new PartnerId(partner));
    }
}
