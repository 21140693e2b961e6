namespace Opportunity;

/// <summary>Identifies the manufacturer (tenant) that owns a network; every record belongs to exactly one tenant. Non-empty, at most 100 characters, no white space.</summary>
public readonly record struct TenantId(string Value) : IComparable<TenantId>
{
    private readonly string? _value = IdText.Validate(Value, "TenantId");

    /// <summary>The identifier text.</summary>
    public string Value { get => IdText.Require(_value, "TenantId"); init => _value = IdText.Validate(value, "TenantId"); }

    /// <inheritdoc />
    public int CompareTo(TenantId other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;
}
