using System.Collections.Frozen;

namespace Opportunity;

/// <summary>
/// An ISO 4217 alphabetic currency code (three upper-case ASCII letters) together with the number
/// of minor-unit digits the standard gives it (2 for EUR, 0 for JPY, 3 for KWD).
/// </summary>
public readonly record struct CurrencyCode : IComparable<CurrencyCode>
{
    // Currencies whose minor unit is not 2 digits (ISO 4217 list). Every other code uses 2.
    private static readonly FrozenDictionary<string, byte> NonTwoDigitMinorUnits = new Dictionary<string, byte>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0,
        ["KRW"] = 0, ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0,
        ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly string? _code;

    /// <summary>Creates a currency code; <paramref name="code"/> must be three upper-case ASCII letters.</summary>
    /// <exception cref="ArgumentException">The code is not three upper-case ASCII letters.</exception>
    public CurrencyCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"Currency code must be three upper-case ASCII letters (ISO 4217), got '{code}'.", nameof(code));
        }

        _code = code;
    }

    /// <summary>The three-letter code, e.g. <c>EUR</c>.</summary>
    public string Code => _code ?? throw new InvalidOperationException("Default CurrencyCode has no code; create one with new CurrencyCode(\"EUR\").");

    /// <summary>Number of digits after the decimal point of the currency's minor unit.</summary>
    public int MinorUnitDigits => NonTwoDigitMinorUnits.TryGetValue(Code, out var digits) ? digits : 2;

    /// <summary>Euro.</summary>
    public static CurrencyCode EUR { get; } = new("EUR");

    /// <summary>US dollar.</summary>
    public static CurrencyCode USD { get; } = new("USD");

    /// <summary>Pound sterling.</summary>
    public static CurrencyCode GBP { get; } = new("GBP");

    /// <summary>Swiss franc.</summary>
    public static CurrencyCode CHF { get; } = new("CHF");

    /// <summary>Japanese yen.</summary>
    public static CurrencyCode JPY { get; } = new("JPY");

    /// <summary>Parses a code, accepting lower case and surrounding white space.</summary>
    /// <exception cref="ArgumentException">The text is not a three-letter code.</exception>
    public static CurrencyCode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new CurrencyCode(text.Trim().ToUpperInvariant());
    }

    /// <inheritdoc />
    public int CompareTo(CurrencyCode other) => string.CompareOrdinal(_code, other._code);

    /// <inheritdoc />
    public override string ToString() => _code ?? string.Empty;
}
