using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>
/// What the built-in rules read of one partner, packed into one 48-byte row of
/// <see cref="RoutingNetwork"/>, so checking a candidate touches one or two cache lines instead of
/// the partner object, its hash sets and their strings.
/// </summary>
internal readonly struct PartnerColumns
{
    /// <summary>Capacity of a partner without a limit.</summary>
    public const int Unlimited = -1;

    public PartnerColumns(Partner partner, AttributeSymbols productLines, AttributeSymbols languages, AttributeSymbols certifications)
    {
        Partner = partner;
        ProductLines = productLines.BitsOf(partner.ProductLines);
        Languages = languages.BitsOf(partner.Languages);
        Certifications = certifications.BitsOf(partner.Certifications);
        Capacity = partner.Capacity ?? Unlimited;
        TierLevel = partner.Tier.Level;
        IsActive = partner.IsActive;
        HasLocation = partner.Location is not null;

        // The bits follow the documented case-insensitive comparison; a set with another comparer is asked itself.
        UsesOwnSets = !AttributeSymbols.IsCaseInsensitive(partner.ProductLines)
            || !AttributeSymbols.IsCaseInsensitive(partner.Languages)
            || !AttributeSymbols.IsCaseInsensitive(partner.Certifications);
    }

    /// <summary>The partner itself (for the trace, and for rules that need more).</summary>
    public Partner Partner { get; }

    /// <summary>Bit b set: sells the product line numbered b.</summary>
    public ulong ProductLines { get; }

    /// <summary>Bit b set: speaks the language numbered b.</summary>
    public ulong Languages { get; }

    /// <summary>Bit b set: holds the certification numbered b.</summary>
    public ulong Certifications { get; }

    /// <summary>Maximum open leads, or <see cref="Unlimited"/>.</summary>
    public int Capacity { get; }

    /// <summary>The tier's level.</summary>
    public int TierLevel { get; }

    /// <summary>Whether the partner is active.</summary>
    public bool IsActive { get; }

    /// <summary>Whether the partner has a location.</summary>
    public bool HasLocation { get; }

    /// <summary>True when a set of the partner does not compare case-insensitively; rules then ask the set.</summary>
    public bool UsesOwnSets { get; }

    /// <summary>True when the partner holds <paramref name="value"/> (numbered <paramref name="key"/>); <paramref name="bits"/> is this row's column for that attribute, <paramref name="set"/> reads the partner's own set when bits cannot answer.</summary>
    public bool Holds(ulong bits, AttributeKey key, string value, Func<Partner, IReadOnlySet<string>> set) =>
        key.Overflow || UsesOwnSets ? set(Partner).Contains(value) : (bits & key.Mask) != 0;
}
