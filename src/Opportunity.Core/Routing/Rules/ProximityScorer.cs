using System.Globalization;
using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Scores closeness to the lead: h ÷ (h + distance), 1 on the spot and 0.5 at the half-score distance h; 0 without coordinates.</summary>
public sealed class ProximityScorer : IColumnarScorer
{
    /// <summary>The kind name, <c>proximity</c>.</summary>
    public const string KindName = "proximity";

    /// <summary>Creates the scorer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The distance is not positive and finite.</exception>
    public ProximityScorer(double halfScoreKm = 50)
    {
        if (!double.IsFinite(halfScoreKm) || halfScoreKm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(halfScoreKm), halfScoreKm, "The half-score distance must be positive.");
        }

        HalfScoreKm = halfScoreKm;
        Description = string.Create(CultureInfo.InvariantCulture, $"{KindName} half at {halfScoreKm} km");
    }

    /// <summary>The distance at which the score is 0.5.</summary>
    public double HalfScoreKm { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public double Score(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        return Closeness(context.Lead.Location.Point, partner.Location);
    }

    double IColumnarScorer.Score(int index, RoutingContext context) =>
        Closeness(context.Lead.Location.Point, context.Network.LocationAt(index));

    private double Closeness(GeoPoint? lead, GeoPoint? partner) =>
        lead is { } center && partner is { } location ? HalfScoreKm / (HalfScoreKm + center.DistanceKmTo(location)) : 0;
}
