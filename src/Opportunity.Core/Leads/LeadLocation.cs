using Opportunity.Partners;

namespace Opportunity.Leads;

/// <summary>Where the prospect is: what territory and geo-radius routing look at.</summary>
/// <param name="Country">The country, when known.</param>
/// <param name="PostalCode">The postal code as entered.</param>
/// <param name="City">The city.</param>
/// <param name="Point">Coordinates, when known.</param>
/// <exception cref="InvalidTextException">The postal code or city breaks the text rules.</exception>
public sealed record LeadLocation(CountryCode? Country, string? PostalCode = null, string? City = null, GeoPoint? Point = null)
{
    private readonly string? _postalCode = TextRules.Optional(PostalCode, "LeadLocation.PostalCode");
    private readonly string? _city = TextRules.Optional(City, "LeadLocation.City");

    /// <summary>The postal code as entered.</summary>
    public string? PostalCode { get => _postalCode; init => _postalCode = TextRules.Optional(value, "LeadLocation.PostalCode"); }

    /// <summary>The city.</summary>
    public string? City { get => _city; init => _city = TextRules.Optional(value, "LeadLocation.City"); }

    /// <summary>Location unknown.</summary>
    public static LeadLocation Unknown { get; } = new(Country: null);
}
