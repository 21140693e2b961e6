using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>Everything a rule may read while one lead is routed: the lead, the network, partner load and performance, and the seeded random source.</summary>
public sealed class RoutingContext
{
    private readonly PartnerId[] _excluded;
    private readonly int[] _excludedIndexes;
    private readonly PartnerLoadTable.OrdinalView? _loadView;
    private SeededRandom _random;
    private string? _postalCode;
    private AttributeKey? _productInterest;
    private AttributeKey? _language;

    /// <summary>Creates a context for one decision.</summary>
    public RoutingContext(RoutingRequest request, RoutingNetwork network, IPartnerLoad? load = null, PartnerPerformanceTable? performance = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(network);
        Request = request;
        Network = network;
        Load = load ?? PartnerLoadTable.None;
        Performance = performance ?? PartnerPerformanceTable.Empty;
        _random = new SeededRandom(request.Seed);
        _excluded = request.ExcludedPartners.Count == 0 ? [] : [.. request.ExcludedPartners];
        _excludedIndexes = _excluded.Length == 0 ? [] : [.. _excluded.Select(network.IndexOf).OfType<int>()];
        _loadView = (load as PartnerLoadTable)?.ViewFor(network);
    }

    /// <summary>The request being routed.</summary>
    public RoutingRequest Request { get; }

    /// <summary>The lead's details.</summary>
    public LeadDetails Lead => Request.Details;

    /// <summary>The partner network.</summary>
    public RoutingNetwork Network { get; }

    /// <summary>Open leads and last assignments per partner.</summary>
    public IPartnerLoad Load { get; }

    /// <summary>Partner performance (empty when not supplied).</summary>
    public PartnerPerformanceTable Performance { get; }

    /// <summary>When the decision is made.</summary>
    public Instant Now => Request.Now;

    /// <summary>The lead's postal code, normalised (upper case, letters and digits only); null when unknown.</summary>
    public string? NormalisedPostalCode =>
        _postalCode ??= Lead.Location.PostalCode is { } code ? PostalCode.Normalise(code) : null;

    /// <summary>The next number in [0, 1) of this decision's seeded sequence.</summary>
    public double NextRandom() => _random.NextDouble();

    /// <summary>The network's key of the lead's product interest (meaningful when there is one).</summary>
    internal AttributeKey ProductInterestKey =>
        _productInterest ??= Lead.ProductInterest is { } line ? Network.ProductLineSymbols.Key(line) : default;

    /// <summary>The network's key of the lead's language (meaningful when there is one).</summary>
    internal AttributeKey LanguageKey =>
        _language ??= Lead.Language is { } language ? Network.LanguageSymbols.Key(language) : default;

    /// <summary>True when the partner at <paramref name="index"/> of the network already rejected the lead or let it expire.</summary>
    internal bool IsExcluded(int index) => _excludedIndexes.AsSpan().Contains(index);

    /// <summary>Open leads of the partner at <paramref name="index"/> of the network.</summary>
    internal int OpenLeads(int index) => _loadView is { } view ? view.OpenLeads(index) : Load.OpenLeads(Network[index].Id);

    /// <summary>Last assignment of a candidate.</summary>
    internal Instant? LastAssignedAt(in RoutingCandidate candidate) =>
        _loadView is { } view && candidate.NetworkIndex >= 0 ? view.LastAssignedAt(candidate.NetworkIndex) : Load.LastAssignedAt(candidate.Partner.Id);

    /// <summary>True when the partner already rejected the lead or let it expire.</summary>
    public bool IsExcluded(PartnerId partner)
    {
        foreach (var p in _excluded)
        {
            if (p == partner)
            {
                return true;
            }
        }

        return false;
    }
}
