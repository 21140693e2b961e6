namespace Opportunity;

/// <summary>Identifies a lead. Non-empty, at most 100 characters, no white space.</summary>
public readonly record struct LeadId(string Value) : IComparable<LeadId>
{
    private readonly string? _value = IdText.Validate(Value, "LeadId");

    /// <summary>The identifier text.</summary>
    public string Value { get => IdText.Require(_value, "LeadId"); init => _value = IdText.Validate(value, "LeadId"); }

    /// <inheritdoc />
    public int CompareTo(LeadId other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;
}
