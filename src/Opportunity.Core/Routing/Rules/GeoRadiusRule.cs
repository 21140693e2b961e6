using System.Globalization;
using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>
/// Keeps partners within a great-circle radius of the lead's coordinates. As the source step it
/// widens in steps (e.g. 25, 50, 100 km) until a partner survives all other filters, up to the last
/// radius; as a plain filter it uses the last radius. Partners without a location never match.
/// </summary>
public sealed class GeoRadiusRule : ICandidateSource, IColumnarFilter
{
    /// <summary>The kind name, <c>geoRadius</c>.</summary>
    public const string KindName = "geoRadius";

    /// <summary>
    /// The most radius steps a rule may have (16). Each step re-runs the filters over the network and
    /// adds to the decision's trace, so the steps are bounded to keep a decision fast and small.
    /// </summary>
    public const int MaxSteps = 16;

    private readonly double[] _radiiKm;

    /// <summary>Creates the rule.</summary>
    /// <param name="radiiKm">Radius steps in km, strictly increasing and positive; the last is the maximum.</param>
    /// <param name="skipWhenLeadHasNoPoint">True (default): a lead without coordinates is not filtered by distance; false: it matches nobody.</param>
    /// <exception cref="ArgumentException">No radius, more than <see cref="MaxSteps"/>, or radii not positive and strictly increasing.</exception>
    public GeoRadiusRule(IEnumerable<double> radiiKm, bool skipWhenLeadHasNoPoint = true)
    {
        ArgumentNullException.ThrowIfNull(radiiKm);
        _radiiKm = [.. radiiKm];
        if (_radiiKm.Length == 0)
        {
            throw new ArgumentException("A geo radius rule needs at least one radius.", nameof(radiiKm));
        }

        if (_radiiKm.Length > MaxSteps)
        {
            throw new ArgumentException($"A geo radius rule has at most {MaxSteps} radius steps; got {_radiiKm.Length}.", nameof(radiiKm));
        }

        for (var i = 0; i < _radiiKm.Length; i++)
        {
            if (!double.IsFinite(_radiiKm[i]) || _radiiKm[i] <= 0 || (i > 0 && _radiiKm[i] <= _radiiKm[i - 1]))
            {
                throw new ArgumentException($"Radius steps must be positive and strictly increasing; step {i} is {_radiiKm[i]}.", nameof(radiiKm));
            }
        }

        SkipWhenLeadHasNoPoint = skipWhenLeadHasNoPoint;
        Description = $"{KindName} {string.Join("/", _radiiKm.Select(r => r.ToString(CultureInfo.InvariantCulture)))} km";
    }

    /// <summary>The radius steps in km.</summary>
    public IReadOnlyList<double> RadiiKm => _radiiKm;

    /// <summary>The largest radius.</summary>
    public double MaxRadiusKm => _radiiKm[^1];

    /// <summary>Whether a lead without coordinates passes (true) or matches nobody (false).</summary>
    public bool SkipWhenLeadHasNoPoint { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        return Verdict(context.Lead.Location.Point, partner.Location);
    }

    FilterVerdict IColumnarFilter.Check(int index, RoutingContext context) =>
        Verdict(context.Lead.Location.Point, context.Network.LocationAt(index));

    private FilterVerdict Verdict(GeoPoint? lead, GeoPoint? partner)
    {
        if (lead is not { } center)
        {
            return SkipWhenLeadHasNoPoint ? FilterVerdict.Keep : FilterVerdict.Remove("the lead has no coordinates");
        }

        if (partner is not { } location)
        {
            return FilterVerdict.Remove("the partner has no location");
        }

        var distance = center.DistanceKmTo(location);
        return distance <= MaxRadiusKm ? FilterVerdict.Keep : FilterVerdict.Remove("{0:0.#} km away, beyond {1:0.#} km", distance, MaxRadiusKm);
    }

    bool ICandidateSource.CanNarrow(RoutingContext context) => context.Lead.Location.Point is not null || !SkipWhenLeadHasNoPoint;

    int ICandidateSource.RingCount(RoutingContext context) => context.Lead.Location.Point is null ? 1 : _radiiKm.Length;

    void ICandidateSource.AddRing(RoutingContext context, int ring, CandidateBuffer buffer)
    {
        if (context.Lead.Location.Point is { } center)
        {
            context.Network.AddWithin(center, ring == 0 ? -1 : _radiiKm[ring - 1], _radiiKm[ring], buffer);
        }
    }

    RoutingNote ICandidateSource.DescribeSource(RoutingContext context, int ringsUsed, int found) =>
        context.Lead.Location.Point is null
            ? new RoutingNote("the lead has no coordinates, so no partner is within reach")
            : new RoutingNote("{0} partner(s) within {1} km", found, _radiiKm[ringsUsed - 1], null);
}
