using System.Diagnostics.CodeAnalysis;

namespace Opportunity;

/// <summary>Identifies the manufacturer (tenant) that owns a network; every record belongs to exactly one tenant. Non-empty, at most 100 characters, no white space.</summary>
public readonly record struct TenantId(string Value) : IComparable<TenantId>, ISpanParsable<TenantId>, IFormattable
{
    private readonly string? _value = IdText.Validate(Value, "TenantId");

    /// <summary>The identifier text.</summary>
    public string Value { get => IdText.Require(_value, "TenantId"); init => _value = IdText.Validate(value, "TenantId"); }

    /// <inheritdoc />
    public int CompareTo(TenantId other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;

    /// <summary>Parses an id (route and query binding): the text is the id, checked by the same rules as the constructor.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a valid TenantId (empty, too long, white space, control or format character).</exception>
    public static TenantId Parse(string s, IFormatProvider? provider) => new(IdText.Parse(s, "TenantId"));

    /// <inheritdoc cref="Parse(string, IFormatProvider?)" />
    public static TenantId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => new(IdText.Parse(s.ToString(), "TenantId"));

    /// <summary>Parses an id without throwing; false for null or text that breaks the id rules.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out TenantId result) => TryParse(s.AsSpan(), provider, out result);

    /// <summary>Parses an id without throwing; false for text that breaks the id rules.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out TenantId result)
    {
        result = IdText.TryParse(s, out var value) ? new(value) : default;
        return value is not null;
    }

    /// <summary>The plain id text; format and provider are ignored.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();
}
