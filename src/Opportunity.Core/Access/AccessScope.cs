namespace Opportunity;

/// <summary>
/// Who is reading: the manufacturer sees everything of its tenant, a partner only its own leads
/// and opportunities. Every read path of every store takes one.
/// </summary>
public sealed record AccessScope
{
    private AccessScope(TenantId tenant, PartnerId? partner)
    {
        Tenant = tenant;
        Partner = partner;
    }

    /// <summary>The tenant whose data may be read.</summary>
    public TenantId Tenant { get; }

    /// <summary>The partner the reader is, or null for the manufacturer.</summary>
    public PartnerId? Partner { get; }

    /// <summary>True for the manufacturer's scope (all partners of the tenant).</summary>
    public bool IsManufacturer => Partner is null;

    /// <summary>The manufacturer's scope: every record of <paramref name="tenant"/>.</summary>
    public static AccessScope Manufacturer(TenantId tenant) => new(tenant, null);

    /// <summary>A partner's scope: only records of <paramref name="partner"/> within <paramref name="tenant"/>.</summary>
    public static AccessScope ForPartner(TenantId tenant, PartnerId partner) => new(tenant, partner);

    /// <summary>True when a record of <paramref name="tenant"/> owned by <paramref name="owner"/> is visible.</summary>
    public bool CanSee(TenantId tenant, PartnerId? owner) =>
        tenant == Tenant && (Partner is null || owner == Partner);
}
