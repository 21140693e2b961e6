namespace Opportunity;

/// <summary>
/// An ISO 4217 alphabetic currency code (three upper-case ASCII letters) together with the number
/// of minor-unit digits the standard gives it (2 for EUR, 0 for JPY, 3 for KWD). Only codes in
/// <see cref="CurrencyRegistry"/> are accepted: the active ISO codes and those added with
/// <see cref="CurrencyRegistry.Register"/>.
/// </summary>
public readonly record struct CurrencyCode : IComparable<CurrencyCode>
{
    private readonly string? _code;
    private readonly byte _digits;

    /// <summary>Creates a currency code; <paramref name="code"/> must be three upper-case ASCII letters naming a known currency.</summary>
    /// <exception cref="ArgumentException">The code is not three upper-case ASCII letters.</exception>
    /// <exception cref="UnknownCurrencyException">The code is not in <see cref="CurrencyRegistry"/> (e.g. <c>XYZ</c>, or a typo such as <c>EUE</c>).</exception>
    public CurrencyCode(string code)
    {
        CheckFormat(code);
        if (!CurrencyRegistry.TryGetMinorUnitDigits(code, out var digits))
        {
            throw new UnknownCurrencyException(code, "currency");
        }

        _code = code;
        _digits = (byte)digits;
    }

    /// <summary>The three-letter code, e.g. <c>EUR</c>.</summary>
    public string Code => _code ?? throw new InvalidOperationException("Default CurrencyCode has no code; create one with new CurrencyCode(\"EUR\").");

    /// <summary>Number of digits after the decimal point of the currency's minor unit.</summary>
    public int MinorUnitDigits => _code is null ? throw new InvalidOperationException("Default CurrencyCode has no code; create one with new CurrencyCode(\"EUR\").") : _digits;

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
    /// <exception cref="UnknownCurrencyException">The code is not in <see cref="CurrencyRegistry"/>.</exception>
    public static CurrencyCode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new CurrencyCode(text.Trim().ToUpperInvariant());
    }

    /// <inheritdoc />
    public int CompareTo(CurrencyCode other) => string.CompareOrdinal(_code, other._code);

    /// <inheritdoc />
    public override string ToString() => _code ?? string.Empty;

    internal static void CheckFormat(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"Currency code must be three upper-case ASCII letters (ISO 4217), got '{code}'.", nameof(code));
        }
    }
}
