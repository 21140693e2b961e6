using System.Globalization;
using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Shared handling of per-tier weights.</summary>
internal static class TierWeights
{
    public static IReadOnlyDictionary<string, double> Defaults { get; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
    {
        [PartnerTier.Registered.Name] = 1,
        [PartnerTier.Silver.Name] = 2,
        [PartnerTier.Gold.Name] = 3,
        [PartnerTier.Platinum.Name] = 4,
    };

    public static Dictionary<string, double> Validate(IReadOnlyDictionary<string, double> weights, string paramName)
    {
        var result = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (tier, weight) in weights)
        {
            if (string.IsNullOrWhiteSpace(tier) || !double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentException($"Tier weight '{tier}' = {weight} is invalid: tiers need a name and a finite weight ≥ 0.", paramName);
            }

            result[tier.Trim()] = weight;
        }

        return result;
    }

    public static string Describe(IReadOnlyDictionary<string, double> weights) =>
        string.Join(", ", weights.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}")));
}
