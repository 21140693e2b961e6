namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>
/// How the partner portal tells who is calling. Bindable from configuration
/// (<c>builder.Configuration.GetSection("PartnerPortal").Get&lt;PartnerPortalOptions&gt;()</c>).
/// </summary>
public sealed class PartnerPortalOptions
{
    /// <summary>The claim whose value is the caller's partner id. Default <c>partner_id</c>; a caller without it gets 403.</summary>
    public string PartnerClaimType { get; set; } = "partner_id";

    /// <summary>The claim whose value is the caller's tenant id, read when <see cref="Tenant"/> is not set. Default <c>tenant_id</c>.</summary>
    public string TenantClaimType { get; set; } = "tenant_id";

    /// <summary>
    /// The one tenant of a single-tenant application. When set, every caller belongs to it and
    /// <see cref="TenantClaimType"/> is not read; when null (the default), a caller without the
    /// tenant claim gets 403.
    /// </summary>
    public string? Tenant { get; set; }

    /// <summary>Checks the options, naming the first bad one.</summary>
    /// <exception cref="ArgumentException">A claim type is empty, or <see cref="Tenant"/> is not a valid tenant id.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(PartnerClaimType))
        {
            throw new ArgumentException("PartnerPortalOptions.PartnerClaimType must not be empty.", nameof(PartnerClaimType));
        }

        if (Tenant is null && string.IsNullOrWhiteSpace(TenantClaimType))
        {
            throw new ArgumentException("PartnerPortalOptions.TenantClaimType must not be empty when no fixed Tenant is set.", nameof(TenantClaimType));
        }

        if (Tenant is not null && !TenantId.TryParse(Tenant, null, out _))
        {
            throw new ArgumentException($"PartnerPortalOptions.Tenant '{Tenant}' is not a valid tenant id (non-empty, at most 100 characters, no white space).", nameof(Tenant));
        }
    }
}
