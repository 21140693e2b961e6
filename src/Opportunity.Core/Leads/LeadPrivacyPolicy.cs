namespace Opportunity.Leads;

/// <summary>
/// What a partner sees of a lead before it accepts it. After acceptance it sees everything; a
/// partner that has not been offered the lead (or gave it back) sees nothing. Applied by
/// <see cref="Lead.ViewFor"/>, the one way partner-facing code reads a lead.
/// </summary>
public sealed record LeadPrivacyPolicy
{
    private readonly int _postalAreaLength = 2;

    /// <summary>
    /// The default: region (country, postal area, city), product interest, language, deal size and
    /// source before acceptance; no company, no contact data, no exact postal code or coordinates.
    /// </summary>
    public static LeadPrivacyPolicy Default { get; } = new();

    /// <summary>Fields visible before acceptance. Default: Source, Country, PostalArea, City, ProductInterest, Language, EstimatedValue.</summary>
    public LeadField VisibleBeforeAcceptance { get; init; } =
        LeadField.Source | LeadField.Country | LeadField.PostalArea | LeadField.City | LeadField.ProductInterest | LeadField.Language | LeadField.EstimatedValue;

    /// <summary>How many leading characters of the normalised postal code <see cref="LeadField.PostalArea"/> shows. Default 2; 1 to 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..10.</exception>
    public int PostalAreaLength
    {
        get => _postalAreaLength;
        init => _postalAreaLength = value is < 1 or > 10 ? throw new ArgumentOutOfRangeException(nameof(PostalAreaLength), value, "Postal area length must be between 1 and 10.") : value;
    }
}
