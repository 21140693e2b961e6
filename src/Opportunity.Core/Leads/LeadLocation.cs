using Opportunity.Partners;

namespace Opportunity.Leads;

/// <summary>Where the prospect is: what territory and geo-radius routing look at.</summary>
/// <param name="Country">The country, when known.</param>
/// <param name="PostalCode">The postal code as entered.</param>
/// <param name="City">The city.</param>
/// <param name="Point">Coordinates, when known.</param>
public sealed record LeadLocation(CountryCode? Country, string? PostalCode = null, string? City = null, GeoPoint? Point = null)
{
    /// <summary>Location unknown.</summary>
    public static LeadLocation Unknown { get; } = new(Country: null);
}
