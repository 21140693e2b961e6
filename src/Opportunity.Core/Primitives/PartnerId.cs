namespace Opportunity;

/// <summary>Identifies a sales partner (reseller, installer, dealer). Non-empty, at most 100 characters, no white space.</summary>
public readonly record struct PartnerId(string Value) : IComparable<PartnerId>
{
    private readonly string? _value = IdText.Validate(Value, "PartnerId");

    /// <summary>The identifier text.</summary>
    public string Value { get => IdText.Require(_value, "PartnerId"); init => _value = IdText.Validate(value, "PartnerId"); }

    /// <inheritdoc />
    public int CompareTo(PartnerId other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;
}
