using System.Diagnostics.CodeAnalysis;

namespace Opportunity;

/// <summary>Identifies a sales partner (reseller, installer, dealer). Non-empty, at most 100 characters, no white space.</summary>
public readonly record struct PartnerId(string Value) : IComparable<PartnerId>, ISpanParsable<PartnerId>, IFormattable
{
    private readonly string? _value = IdText.Validate(Value, "PartnerId");

    /// <summary>The identifier text.</summary>
    public string Value { get => IdText.Require(_value, "PartnerId"); init => _value = IdText.Validate(value, "PartnerId"); }

    /// <inheritdoc />
    public int CompareTo(PartnerId other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;

    /// <summary>Parses an id (route and query binding): the text is the id, checked by the same rules as the constructor.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a valid PartnerId (empty, too long, white space, control or format character).</exception>
    public static PartnerId Parse(string s, IFormatProvider? provider) => new(IdText.Parse(s, "PartnerId"));

    /// <inheritdoc cref="Parse(string, IFormatProvider?)" />
    public static PartnerId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => new(IdText.Parse(s.ToString(), "PartnerId"));

    /// <summary>Parses an id without throwing; false for null or text that breaks the id rules.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out PartnerId result) => TryParse(s.AsSpan(), provider, out result);

    /// <summary>Parses an id without throwing; false for text that breaks the id rules.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out PartnerId result)
    {
        result = IdText.TryParse(s, out var value) ? new(value) : default;
        return value is not null;
    }

    /// <summary>The plain id text; format and provider are ignored.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
