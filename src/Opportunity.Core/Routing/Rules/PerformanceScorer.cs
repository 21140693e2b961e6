using System.Globalization;
using NodaTime;
using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>
/// Scores partner performance from <see cref="RoutingContext.Performance"/>: a weighted mean of the
/// acceptance rate, speed (target ÷ (target + median time to accept)) and conversion rate. Each
/// figure is shrunk toward the network average by <see cref="PriorStrength"/> pseudo-leads, so a
/// partner with three lucky leads does not outrank one with three hundred good ones, and a
/// partner without data scores the network average.
/// </summary>
public sealed class PerformanceScorer : IRoutingScorer
{
    /// <summary>The kind name, <c>performance</c>.</summary>
    public const string KindName = "performance";

    /// <summary>Creates the scorer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite, all weights are zero, the target is not positive, or the prior strength is negative.</exception>
    public PerformanceScorer(double acceptanceWeight = 1, double speedWeight = 1, double conversionWeight = 1, Duration? targetTimeToAccept = null, double priorStrength = 10)
    {
        AcceptanceWeight = Weight(acceptanceWeight, nameof(acceptanceWeight));
        SpeedWeight = Weight(speedWeight, nameof(speedWeight));
        ConversionWeight = Weight(conversionWeight, nameof(conversionWeight));
        if (AcceptanceWeight + SpeedWeight + ConversionWeight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(acceptanceWeight), "At least one performance weight must be positive.");
        }

        TargetTimeToAccept = targetTimeToAccept ?? Duration.FromHours(4);
        if (TargetTimeToAccept <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(targetTimeToAccept), TargetTimeToAccept, "The target time to accept must be positive.");
        }

        PriorStrength = !double.IsFinite(priorStrength) || priorStrength < 0
            ? throw new ArgumentOutOfRangeException(nameof(priorStrength), priorStrength, "The prior strength must be a finite number ≥ 0.")
            : priorStrength;
        Description = string.Create(CultureInfo.InvariantCulture, $"{KindName} acceptance×{AcceptanceWeight} speed×{SpeedWeight} (target {TargetTimeToAccept.TotalHours} h) conversion×{ConversionWeight}, prior {PriorStrength} leads");
    }

    /// <summary>Weight of the acceptance rate.</summary>
    public double AcceptanceWeight { get; }

    /// <summary>Weight of the speed of acceptance.</summary>
    public double SpeedWeight { get; }

    /// <summary>Weight of the conversion rate.</summary>
    public double ConversionWeight { get; }

    /// <summary>The time to accept that scores 0.5 on speed.</summary>
    public Duration TargetTimeToAccept { get; }

    /// <summary>Pseudo-leads of network-average performance mixed into each partner's figures.</summary>
    public double PriorStrength { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public double Score(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        var table = context.Performance;
        var own = table.Find(partner.Id);
        double n = own?.LeadsOffered ?? 0;
        var k = PriorStrength;
        var acceptance = Shrink(own?.AcceptanceRate ?? 0, n, table.NetworkAcceptanceRate, k);
        var conversion = Shrink(own?.ConversionRate ?? 0, n, table.NetworkConversionRate, k);
        var target = TargetTimeToAccept.TotalSeconds;
        var networkSeconds = table.NetworkMedianTimeToAccept?.TotalSeconds ?? target;
        var seconds = own?.MedianTimeToAccept is { } t ? Shrink(t.TotalSeconds, n, networkSeconds, k) : networkSeconds;
        var speed = target / (target + seconds);
        return ((AcceptanceWeight * acceptance) + (SpeedWeight * speed) + (ConversionWeight * conversion))
            / (AcceptanceWeight + SpeedWeight + ConversionWeight);
    }

    private static double Shrink(double value, double n, double prior, double k) => n + k == 0 ? prior : ((n * value) + (k * prior)) / (n + k);

    private static double Weight(double value, string name) =>
        !double.IsFinite(value) || value < 0 ? throw new ArgumentOutOfRangeException(name, value, "Weights must be finite numbers ≥ 0.") : value;
}
