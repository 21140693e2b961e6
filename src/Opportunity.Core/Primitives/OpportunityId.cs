namespace Opportunity;

/// <summary>Identifies a sales opportunity. Non-empty, at most 100 characters, no white space.</summary>
public readonly record struct OpportunityId(string Value) : IComparable<OpportunityId>
{
    private readonly string? _value = IdText.Validate(Value, "OpportunityId");

    /// <summary>The identifier text.</summary>
    public string Value { get => IdText.Require(_value, "OpportunityId"); init => _value = IdText.Validate(value, "OpportunityId"); }

    /// <inheritdoc />
    public int CompareTo(OpportunityId other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;
}
