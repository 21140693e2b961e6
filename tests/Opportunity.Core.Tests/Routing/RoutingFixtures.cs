using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Routing;

namespace Opportunity.Core.Tests.Routing;

internal static class RoutingFixtures
{
    public static readonly TenantId Tenant = new("acme");
    public static readonly Instant Now = Instant.FromUtc(2025, 3, 4, 10, 0);

    public static Partner Partner(
        string id,
        string country = "DE",
        string[]? prefixes = null,
        PartnerTier? tier = null,
        int? capacity = null,
        bool active = true,
        string[]? products = null,
        string[]? languages = null,
        string[]? certifications = null,
        GeoPoint? location = null) =>
        new(Tenant, new PartnerId(id), $"Partner {id}", tier ?? PartnerTier.Silver)
        {
            Territories = [new Territory(new CountryCode(country), prefixes)],
            Capacity = capacity,
            IsActive = active,
            ProductLines = new HashSet<string>(products ?? ["heat-pumps"], StringComparer.OrdinalIgnoreCase),
            Languages = new HashSet<string>(languages ?? ["de"], StringComparer.OrdinalIgnoreCase),
            Certifications = new HashSet<string>(certifications ?? [], StringComparer.OrdinalIgnoreCase),
            Location = location,
        };

    public static RoutingRequest Request(
        string lead = "L-1",
        string country = "DE",
        string? postal = "80331",
        string? product = "heat-pumps",
        string? language = "de",
        GeoPoint? point = null,
        long seed = 42,
        Instant? now = null,
        params string[] excluded) =>
        new(new LeadId(lead), new LeadDetails
        {
            Source = "web",
            Company = "Prospect GmbH",
            Location = new LeadLocation(new CountryCode(country), postal, "München", point),
            ProductInterest = product,
            Language = language,
        }, now ?? Now)
        {
            Seed = seed,
            ExcludedPartners = [.. excluded.Select(e => new PartnerId(e))],
        };

    public static RoutingNetwork Network(params Partner[] partners) => RoutingNetwork.Build(partners);
}
