namespace Opportunity.Partners;

/// <summary>A WGS-84 position in decimal degrees. Latitude in [−90, 90], longitude in [−180, 180], NaN rejected.</summary>
public readonly record struct GeoPoint
{
    /// <summary>Mean Earth radius used for great-circle distances, in kilometres.</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>Creates a point.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is NaN or out of range.</exception>
    public GeoPoint(double latitude, double longitude)
    {
        if (double.IsNaN(latitude) || latitude is < -90 or > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(latitude), latitude, "Latitude must be between -90 and 90 degrees.");
        }

        if (double.IsNaN(longitude) || longitude is < -180 or > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(longitude), longitude, "Longitude must be between -180 and 180 degrees.");
        }

        Latitude = latitude;
        Longitude = longitude;
    }

    /// <summary>Latitude in degrees, north positive.</summary>
    public double Latitude { get; }

    /// <summary>Longitude in degrees, east positive.</summary>
    public double Longitude { get; }

    /// <summary>Great-circle (haversine) distance to <paramref name="other"/> in kilometres.</summary>
    public double DistanceKmTo(GeoPoint other)
    {
        const double toRadians = Math.PI / 180;
        var dLat = (other.Latitude - Latitude) * toRadians;
        var dLon = (other.Longitude - Longitude) * toRadians;
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(Latitude * toRadians) * Math.Cos(other.Latitude * toRadians) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
