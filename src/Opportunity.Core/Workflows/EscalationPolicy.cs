using Opportunity.Partners;

namespace Opportunity.Workflows;

/// <summary>Escalation ladders per partner tier (by tier name, case-insensitive), with a default for tiers not listed.</summary>
public sealed class EscalationPolicy
{
    private readonly Dictionary<string, EscalationLadder> _byTier;

    /// <summary>Creates a policy.</summary>
    public EscalationPolicy(EscalationLadder defaultLadder, IReadOnlyDictionary<string, EscalationLadder>? byTier = null)
    {
        ArgumentNullException.ThrowIfNull(defaultLadder);
        DefaultLadder = defaultLadder;
        _byTier = new Dictionary<string, EscalationLadder>(StringComparer.OrdinalIgnoreCase);
        foreach (var (tier, ladder) in byTier ?? new Dictionary<string, EscalationLadder>())
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(tier, nameof(byTier));
            ArgumentNullException.ThrowIfNull(ladder, nameof(byTier));
            _byTier[tier.Trim()] = ladder;
        }
    }

    /// <summary><see cref="EscalationLadder.Default"/> for every tier.</summary>
    public static EscalationPolicy Default { get; } = new(EscalationLadder.Default);

    /// <summary>The ladder for tiers without their own.</summary>
    public EscalationLadder DefaultLadder { get; }

    /// <summary>Ladders by tier name.</summary>
    public IReadOnlyDictionary<string, EscalationLadder> ByTier => _byTier;

    /// <summary>The ladder that applies to <paramref name="tier"/>.</summary>
    public EscalationLadder For(PartnerTier tier) => _byTier.GetValueOrDefault(tier.Name) ?? DefaultLadder;
}
