namespace Opportunity.Partners;

/// <summary>
/// Where a partner sells: a country, optionally narrowed to postal-code prefixes
/// (e.g. <c>DE</c> with <c>80</c>, <c>81</c> for Munich). No prefixes means the whole country.
/// </summary>
public sealed record Territory
{
    /// <summary>Creates a territory.</summary>
    /// <exception cref="ArgumentException">A prefix is empty or contains white space.</exception>
    public Territory(CountryCode country, IEnumerable<string>? postalPrefixes = null)
    {
        Country = country;
        var prefixes = new List<string>();
        foreach (var prefix in postalPrefixes ?? [])
        {
            var normalised = PostalCode.Normalise(prefix);
            if (normalised.Length == 0)
            {
                throw new ArgumentException($"Postal-code prefix '{prefix}' of territory {country} is empty.", nameof(postalPrefixes));
            }

            prefixes.Add(normalised);
        }

        PostalPrefixes = prefixes;
    }

    /// <summary>The country.</summary>
    public CountryCode Country { get; }

    /// <summary>Normalised postal-code prefixes; empty for the whole country.</summary>
    public IReadOnlyList<string> PostalPrefixes { get; }

    /// <summary>True when a location in <paramref name="country"/> with <paramref name="postalCode"/> lies in this territory.</summary>
    public bool Covers(CountryCode country, string? postalCode)
    {
        if (country != Country)
        {
            return false;
        }

        if (PostalPrefixes.Count == 0)
        {
            return true;
        }

        if (postalCode is null)
        {
            return false;
        }

        var normalised = PostalCode.Normalise(postalCode);
        return PostalPrefixes.Any(p => normalised.StartsWith(p, StringComparison.Ordinal));
    }
}
