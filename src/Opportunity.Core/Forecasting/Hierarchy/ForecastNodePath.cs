using System.Text;

namespace Opportunity.Forecasting;

/// <summary>
/// How a node of a <see cref="ForecastHierarchy"/> is named: the root's name, then one
/// <c>level:key</c> segment per level, separated by '/', e.g.
/// <c>network/region:EMEA/channel_manager:anna@acme.example/partner:P1</c>. '%' and '/' in a key are
/// written <c>%25</c> and <c>%2F</c>, so every path is unique. Targets, snapshots and adjustments
/// name their node this way (<see cref="ForecastScope.Node"/>).
/// </summary>
public static class ForecastNodePath
{
    /// <summary>Separates the segments of a path.</summary>
    public const char Separator = '/';

    /// <summary>Separates a segment's level from its key.</summary>
    public const char LevelSeparator = ':';

    /// <summary>The level name of the partners, the leaves.</summary>
    public const string PartnerLevel = "partner";

    /// <summary>The path of a child of <paramref name="parent"/> at <paramref name="level"/> with <paramref name="key"/>.</summary>
    public static string Child(string parent, string level, string key)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(key);
        var builder = new StringBuilder(parent.Length + level.Length + key.Length + 2).Append(parent).Append(Separator).Append(level).Append(LevelSeparator);
        foreach (var c in key)
        {
            _ = c switch
            {
                '%' => builder.Append("%25"),
                Separator => builder.Append("%2F"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>The path of the partner <paramref name="partner"/> under <paramref name="parent"/>.</summary>
    public static string Partner(string parent, PartnerId partner) => Child(parent, PartnerLevel, partner.Value);
}
