using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>
/// Removes partners lacking a required certification: those required for every lead, plus those
/// required for the lead's product line (e.g. <c>heat-pumps</c> → <c>F-Gas</c>).
/// </summary>
public sealed class CertificationRule : IRoutingFilter
{
    /// <summary>The kind name, <c>certification</c>.</summary>
    public const string KindName = "certification";

    private readonly string[] _always;
    private readonly Dictionary<string, string[]> _byProductLine;

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
        foreach (var cert in _always)
        {
            if (!partner.Certifications.Contains(cert))
            {
                return FilterVerdict.Remove("lacks certification '{2}'", text: cert);
            }
        }

        if (context.Lead.ProductInterest is { } line && _byProductLine.TryGetValue(line, out var forLine))
        {
            foreach (var cert in forLine)
            {
                if (!partner.Certifications.Contains(cert))
                {
                    return FilterVerdict.Remove("lacks certification '{2}'", text: cert);
                }
            }
        }

        return FilterVerdict.Keep;
    }

    private static string Validate(string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("Certification names and product lines must not be empty.", nameof(value)) : value.Trim();
}
