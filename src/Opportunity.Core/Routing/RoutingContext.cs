using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>Everything a rule may read while one lead is routed: the lead, the network, partner load and performance, and the seeded random source.</summary>
public sealed class RoutingContext
{
    private readonly PartnerId[] _excluded;
    private SeededRandom _random;
    private string? _postalCode;

    /// <summary>Creates a context for one decision.</summary>
    public RoutingContext(RoutingRequest request, RoutingNetwork network, IPartnerLoad? load = null, PartnerPerformanceTable? performance = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(network);
        Request = request;
        Network = network;
        Load = load ?? new PartnerLoadTable();
        Performance = performance ?? PartnerPerformanceTable.Empty;
        _random = new SeededRandom(request.Seed);
        _excluded = request.ExcludedPartners.Count == 0 ? [] : [.. request.ExcludedPartners];
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
