namespace Opportunity.Partners;

/// <summary>An ISO 3166-1 alpha-2 country code, two upper-case ASCII letters, e.g. <c>DE</c>.</summary>
public readonly record struct CountryCode : IComparable<CountryCode>
{
    private readonly string? _code;

    /// <summary>Creates a country code; lower case is accepted and upper-cased.</summary>
    /// <exception cref="ArgumentException">Not two ASCII letters.</exception>
    public CountryCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var trimmed = code.Trim().ToUpperInvariant();
        if (trimmed.Length != 2 || !trimmed.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"Country code must be two ASCII letters (ISO 3166-1 alpha-2), got '{code}'.", nameof(code));
        }

        _code = trimmed;
    }

    /// <summary>The two-letter code.</summary>
    public string Code => _code ?? throw new InvalidOperationException("Default CountryCode has no code.");

    /// <inheritdoc />
    public int CompareTo(CountryCode other) => string.CompareOrdinal(_code, other._code);

    /// <inheritdoc />
    public override string ToString() => _code ?? string.Empty;
}
