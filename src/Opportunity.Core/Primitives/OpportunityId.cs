using System.Diagnostics.CodeAnalysis;

namespace Opportunity;

/// <summary>Identifies a sales opportunity. Non-empty, at most 100 characters, no white space.</summary>
public readonly record struct OpportunityId(string Value) : IComparable<OpportunityId>, ISpanParsable<OpportunityId>, IFormattable
{
    private readonly string? _value = IdText.Validate(Value, "OpportunityId");

    /// <summary>The identifier text.</summary>
    public string Value { get => IdText.Require(_value, "OpportunityId"); init => _value = IdText.Validate(value, "OpportunityId"); }

    /// <inheritdoc />
    public int CompareTo(OpportunityId other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;

    /// <summary>Parses an id (route and query binding): the text is the id, checked by the same rules as the constructor.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a valid OpportunityId (empty, too long, white space, control or format character).</exception>
    public static OpportunityId Parse(string s, IFormatProvider? provider) => new(IdText.Parse(s, "OpportunityId"));

    /// <inheritdoc cref="Parse(string, IFormatProvider?)" />
    public static OpportunityId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => new(IdText.Parse(s.ToString(), "OpportunityId"));

    /// <summary>Parses an id without throwing; false for null or text that breaks the id rules.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out OpportunityId result) => TryParse(s.AsSpan(), provider, out result);

    /// <summary>Parses an id without throwing; false for text that breaks the id rules.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out OpportunityId result)
    {
        result = IdText.TryParse(s, out var value) ? new(value) : default;
        return value is not null;
    }

    /// <summary>The plain id text; format and provider are ignored.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
