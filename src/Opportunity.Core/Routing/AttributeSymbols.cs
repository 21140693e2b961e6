namespace Opportunity.Routing;

/// <summary>
/// Numbers the values of one partner attribute across a network (case-insensitive, most common
/// first), so the 64 most common fit in a bit mask per partner.
/// </summary>
internal sealed class AttributeSymbols
{
    private const int Bits = 64;

    private readonly Dictionary<string, int> _ids;

    private AttributeSymbols(Dictionary<string, int> ids)
    {
        _ids = ids;
    }

    /// <summary>Numbers the values found in <paramref name="sets"/>.</summary>
    public static AttributeSymbols Build(IEnumerable<IReadOnlySet<string>> sets)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in sets)
        {
            foreach (var value in set)
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
        }

        var ids = new Dictionary<string, int>(counts.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var value in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase).Select(kv => kv.Key))
        {
            ids[value] = ids.Count;
        }

        return new AttributeSymbols(ids);
    }

    /// <summary>True when <paramref name="set"/> compares the way the numbering does (the partner default).</summary>
    public static bool IsCaseInsensitive(IReadOnlySet<string> set) =>
        set is HashSet<string> hash && ReferenceEquals(hash.Comparer, StringComparer.OrdinalIgnoreCase);

    /// <summary>The key of <paramref name="value"/>.</summary>
    public AttributeKey Key(string value) =>
        !_ids.TryGetValue(value, out var id) ? default
        : id < Bits ? new AttributeKey(1UL << id, false)
        : new AttributeKey(0, true);

    /// <summary>The bits of the values in <paramref name="set"/> that have one.</summary>
    public ulong BitsOf(IReadOnlySet<string> set)
    {
        var bits = 0UL;
        foreach (var value in set)
        {
            if (_ids.TryGetValue(value, out var id) && id < Bits)
            {
                bits |= 1UL << id;
            }
        }

        return bits;
    }
}
