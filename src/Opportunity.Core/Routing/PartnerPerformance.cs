using NodaTime;

namespace Opportunity.Routing;

/// <summary>
/// How a partner has handled leads, as input to performance-based routing. The caller computes it
/// (e.g. from the partner scorecard); routing shrinks small samples toward the network average.
/// </summary>
public sealed record PartnerPerformance
{
    private readonly double _acceptanceRate;
    private readonly double _conversionRate;
    private readonly int _leadsOffered;
    private readonly Duration? _medianTimeToAccept;

    /// <summary>Creates the record for a partner.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is NaN or outside [0, 1], the sample is negative, or the time to accept is negative.</exception>
    public PartnerPerformance(PartnerId partner, double acceptanceRate, Duration? medianTimeToAccept, double conversionRate, int leadsOffered)
    {
        Partner = partner;
        AcceptanceRate = acceptanceRate;
        MedianTimeToAccept = medianTimeToAccept;
        ConversionRate = conversionRate;
        LeadsOffered = leadsOffered;
    }

    /// <summary>The partner.</summary>
    public PartnerId Partner { get; init; }

    /// <summary>Share of offered leads the partner accepted, in [0, 1].</summary>
    public double AcceptanceRate { get => _acceptanceRate; init => _acceptanceRate = Rate(value, nameof(AcceptanceRate)); }

    /// <summary>Median time from assignment to acceptance; null when it never accepted.</summary>
    public Duration? MedianTimeToAccept
    {
        get => _medianTimeToAccept;
        init => _medianTimeToAccept = value < Duration.Zero ? throw new ArgumentOutOfRangeException(nameof(MedianTimeToAccept), value, "Time to accept must not be negative.") : value;
    }

    /// <summary>Share of accepted leads that were won, in [0, 1].</summary>
    public double ConversionRate { get => _conversionRate; init => _conversionRate = Rate(value, nameof(ConversionRate)); }

    /// <summary>How many leads the figures are based on (the sample size); 0 means no data.</summary>
    public int LeadsOffered
    {
        get => _leadsOffered;
        init => _leadsOffered = value < 0 ? throw new ArgumentOutOfRangeException(nameof(LeadsOffered), value, "Sample size must not be negative.") : value;
    }

    private static double Rate(double value, string name) =>
        double.IsNaN(value) || value is < 0 or > 1 ? throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 0 and 1.") : value;
}
