using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>
/// Removes partners lacking a required certification: those required for every lead, plus those
/// required for the lead's product line (e.g. <c>heat-pumps</c> → <c>F-Gas</c>).
/// </summary>
public sealed class CertificationRule : IColumnarFilter
{
    /// <summary>The kind name, <c>certification</c>.</summary>
    public const string KindName = "certification";

    private readonly string[] _always;
    private readonly Dictionary<string, string[]> _byProductLine;
    private NetworkKeys? _keys;

    /// <summary>Creates the rule.</summary>
    /// <param name="required">Certifications every partner needs.</param>
    /// <param name="byProductLine">Certifications needed for leads of a product line (case-insensitive).</param>
    /// <exception cref="ArgumentException">A certification is empty.</exception>
    public CertificationRule(IEnumerable<string>? required = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? byProductLine = null)
    {
        _always = [.. (required ?? []).Select(Validate)];
        _byProductLine = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, certs) in byProductLine ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            _byProductLine[Validate(line)] = [.. certs.Select(Validate)];
        }

        var parts = new List<string>();
        if (_always.Length > 0)
        {
            parts.Add(string.Join("+", _always));
        }

        parts.AddRange(_byProductLine.Select(kv => $"{kv.Key}: {string.Join("+", kv.Value)}"));
        Description = parts.Count == 0 ? KindName : $"{KindName} {string.Join("; ", parts)}";
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        var missing = FirstMissing(partner.Certifications, _always);
        if (missing is null && context.Lead.ProductInterest is { } line && _byProductLine.TryGetValue(line, out var forLine))
        {
            missing = FirstMissing(partner.Certifications, forLine);
        }

        return Verdict(missing);
    }

    FilterVerdict IColumnarFilter.Check(int index, RoutingContext context)
    {
        var keys = KeysFor(context.Network);
        ref readonly var row = ref context.Network.Row(index);
        var missing = FirstMissing(row, _always, keys.Always);
        if (missing is null && context.Lead.ProductInterest is { } line && _byProductLine.TryGetValue(line, out var forLine))
        {
            missing = FirstMissing(row, forLine, keys.ByProductLine[line]);
        }

        return Verdict(missing);
    }

    private static FilterVerdict Verdict(string? missing) =>
        missing is null ? FilterVerdict.Keep : FilterVerdict.Remove("lacks certification '{2}'", text: missing);

    private static string? FirstMissing(IReadOnlySet<string> held, string[] certifications) =>
        Array.Find(certifications, cert => !held.Contains(cert));

    private static string? FirstMissing(in PartnerColumns row, string[] certifications, AttributeKey[] keys)
    {
        for (var i = 0; i < certifications.Length; i++)
        {
            if (!row.Holds(row.Certifications, keys[i], certifications[i], static p => p.Certifications))
            {
                return certifications[i];
            }
        }

        return null;
    }

    /// <summary>The certifications' keys in <paramref name="network"/>, computed once per network (the last one is kept).</summary>
    private NetworkKeys KeysFor(RoutingNetwork network)
    {
        var keys = Volatile.Read(ref _keys);
        if (keys is null || !ReferenceEquals(keys.Network, network))
        {
            var symbols = network.CertificationSymbols;
            keys = new NetworkKeys(
                network,
                [.. _always.Select(symbols.Key)],
                _byProductLine.ToDictionary(kv => kv.Key, kv => kv.Value.Select(symbols.Key).ToArray(), StringComparer.OrdinalIgnoreCase));
            Volatile.Write(ref _keys, keys);
        }

        return keys;
    }

    private static string Validate(string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("Certification names and product lines must not be empty.", nameof(value)) : value.Trim();

    private sealed record NetworkKeys(RoutingNetwork Network, AttributeKey[] Always, Dictionary<string, AttributeKey[]> ByProductLine);
}
