using NodaTime;

namespace Opportunity.Kpis;

/// <summary>
/// A distribution of durations (e.g. time to accept): median and P90 by the nearest-rank rule, a
/// distribution-free 90% interval for the median (order statistics; null below five samples), and
/// the median shrunk toward the network median: (n·median + k·network) ÷ (n + k).
/// </summary>
/// <param name="Count">Number of samples.</param>
/// <param name="Median">Nearest-rank median; null without samples.</param>
/// <param name="P90">Nearest-rank 90th percentile; null without samples.</param>
/// <param name="MedianLower">Lower end of the 90% interval of the median.</param>
/// <param name="MedianUpper">Upper end of the 90% interval of the median.</param>
/// <param name="ShrunkMedian">The median shrunk toward the network median; the network median without samples; null when neither exists.</param>
public sealed record DurationKpi(int Count, Duration? Median, Duration? P90, Duration? MedianLower, Duration? MedianUpper, Duration? ShrunkMedian)
{
    internal static DurationKpi Create(IReadOnlyList<Duration> samples, Duration? networkMedian, double priorStrength)
    {
        var sorted = samples.OrderBy(d => d).ToArray();
        var n = sorted.Length;
        if (n == 0)
        {
            return new DurationKpi(0, null, null, null, null, networkMedian);
        }

        var median = Rank(sorted, 0.5);
        var (lower, upper) = MedianInterval(sorted);
        var shrunk = networkMedian is { } network
            ? Duration.FromTicks((long)Math.Round(((n * (double)median.BclCompatibleTicks) + (priorStrength * network.BclCompatibleTicks)) / (n + priorStrength), MidpointRounding.ToEven))
            : median;
        return new DurationKpi(n, median, Rank(sorted, 0.9), lower, upper, shrunk);
    }

    internal static Duration Rank(Duration[] sorted, double q) => sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Length)) - 1];

    /// <summary>The 90% interval [x(j), x(n−j+1)] with the largest j such that P(Bin(n, ½) ≤ j − 1) ≤ 5%.</summary>
    private static (Duration? Lower, Duration? Upper) MedianInterval(Duration[] sorted)
    {
        var n = sorted.Length;
        var cumulative = 0.0;
        var j = 0;
        for (var k = 0; k < n; k++)
        {
            cumulative += Math.Exp(LogChoose(n, k) - (n * Math.Log(2)));
            if (cumulative > 0.05)
            {
                break;
            }

            j = k + 1;
        }

        return j == 0 ? (null, null) : (sorted[j - 1], sorted[n - j]);
    }

    private static double LogChoose(int n, int k) =>
        Forecasting.BetaDistribution.LogGamma(n + 1) - Forecasting.BetaDistribution.LogGamma(k + 1) - Forecasting.BetaDistribution.LogGamma(n - k + 1);
}
