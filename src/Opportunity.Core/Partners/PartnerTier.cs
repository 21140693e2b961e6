namespace Opportunity.Partners;

/// <summary>
/// A partner programme tier. Tiers are ordered by <see cref="Level"/> (higher is better), so rules
/// can ask for a minimum tier; the name is what escalation ladders and reports key on. Four common
/// tiers are predefined; define your own with the constructor.
/// </summary>
public readonly record struct PartnerTier : IComparable<PartnerTier>
{
    private readonly string? _name;

    /// <summary>Creates a tier.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The level is negative.</exception>
    public PartnerTier(string name, int level)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        _name = name.Trim();
        Level = level;
    }

    /// <summary>The tier's name, e.g. <c>Gold</c>.</summary>
    public string Name => _name ?? Registered.Name;

    /// <summary>The tier's rank: 0 is the entry tier, higher is better.</summary>
    public int Level { get; }

    /// <summary>Entry tier (level 0).</summary>
    public static PartnerTier Registered { get; } = new("Registered", 0);

    /// <summary>Level 1.</summary>
    public static PartnerTier Silver { get; } = new("Silver", 1);

    /// <summary>Level 2.</summary>
    public static PartnerTier Gold { get; } = new("Gold", 2);

    /// <summary>Level 3.</summary>
    public static PartnerTier Platinum { get; } = new("Platinum", 3);

    /// <inheritdoc />
    public int CompareTo(PartnerTier other) => Level.CompareTo(other.Level);

    /// <inheritdoc />
    public override string ToString() => Name;
}
