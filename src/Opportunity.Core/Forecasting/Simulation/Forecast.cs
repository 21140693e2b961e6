namespace Opportunity.Forecasting;

/// <summary>
/// The won amount of a set of deals as a distribution. <see cref="Expected"/> (Σ a·p) and
/// <see cref="StandardDeviation"/> (√Σ a²·p·(1−p)) are closed forms, exact until the single
/// rounding; the quantiles come from seeded Monte Carlo trials in which each deal is won with its
/// probability, independently. Quantiles use the nearest-rank rule: Pq is the ⌈q·T⌉-th smallest
/// trial total, so each is an amount some trial actually produced.
/// </summary>
public sealed class Forecast
{
    private readonly long[] _sortedTotals;

    internal Forecast(ForecastPeriod? period, CurrencyCode currency, long count, ulong seed, Money expected, decimal variance, long[] sortedTotals, Money? target)
    {
        Period = period;
        Currency = currency;
        Count = count;
        Seed = seed;
        Expected = expected;
        Variance = variance;
        StandardDeviation = Money.Round(ExactMath.SquareRoot(variance), currency);
        _sortedTotals = sortedTotals;
        Target = target;
        var sum = Int128.Zero;
        foreach (var total in sortedTotals)
        {
            sum += total;
        }

        var meanMinor = (decimal)sum / sortedTotals.Length;

        // Deviations are scaled by the largest one before squaring, so large deals cannot overflow
        // the decimal squares; only a variance itself beyond the decimal range is an error.
        var largest = 0m;
        foreach (var total in sortedTotals)
        {
            largest = Math.Max(largest, Math.Abs(total - meanMinor));
        }

        var squares = 0m;
        if (largest > 0m)
        {
            foreach (var total in sortedTotals)
            {
                var d = (total - meanMinor) / largest;
                squares += d * d;
            }
        }

        var scale = ExactMath.Pow10Long(currency.MinorUnitDigits);
        SimulatedMean = Money.Round(meanMinor / scale, currency);
        try
        {
            var largestMajor = largest / scale;
            SimulatedVariance = sortedTotals.Length > 1 ? largestMajor * (squares / (sortedTotals.Length - 1)) * largestMajor : 0m;
        }
        catch (OverflowException ex)
        {
            throw new AggregateOverflowException($"currency {currency.Code}", "the simulated variance exceeds the decimal range (about 7.9 × 10^28 in major units squared).", ex);
        }

        SimulatedStandardDeviation = Money.Round(ExactMath.SquareRoot(SimulatedVariance), currency);
    }

    /// <summary>The period forecast, if the forecast was limited to one.</summary>
    public ForecastPeriod? Period { get; }

    /// <summary>The reporting currency.</summary>
    public CurrencyCode Currency { get; }

    /// <summary>Number of deals in the forecast.</summary>
    public long Count { get; }

    /// <summary>Number of Monte Carlo trials.</summary>
    public int Trials => _sortedTotals.Length;

    /// <summary>The seed used.</summary>
    public ulong Seed { get; }

    /// <summary>Expected won amount Σ a·p, converted once and rounded once, half to even.</summary>
    public Money Expected { get; }

    /// <summary>Variance Σ a²·p·(1−p) in major units squared (converted with squared rates).</summary>
    public decimal Variance { get; }

    /// <summary>√<see cref="Variance"/>, rounded half to even.</summary>
    public Money StandardDeviation { get; }

    /// <summary>10th percentile of the simulated won amount: 90% of trials won at least this.</summary>
    public Money P10 => Quantile(0.10);

    /// <summary>Median of the simulated won amount.</summary>
    public Money P50 => Quantile(0.50);

    /// <summary>90th percentile of the simulated won amount.</summary>
    public Money P90 => Quantile(0.90);

    /// <summary>Mean of the trial totals (close to <see cref="Expected"/>; their difference is Monte Carlo error).</summary>
    public Money SimulatedMean { get; }

    /// <summary>Sample variance of the trial totals, major units squared.</summary>
    public decimal SimulatedVariance { get; }

    /// <summary>Sample standard deviation of the trial totals.</summary>
    public Money SimulatedStandardDeviation { get; }

    /// <summary>The target asked about, if any.</summary>
    public Money? Target { get; }

    /// <summary>Share of trials whose total reached <see cref="Target"/>; null without a target.</summary>
    public double? ProbabilityOfReachingTarget => Target is { } target ? ProbabilityOfReaching(target) : null;

    /// <summary>The nearest-rank quantile: the ⌈q·T⌉-th smallest trial total (the smallest for q = 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is not in [0, 1].</exception>
    public Money Quantile(double q)
    {
        if (double.IsNaN(q) || q is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is between 0 and 1.");
        }

        var rank = Math.Max(1, (int)Math.Ceiling(q * _sortedTotals.Length));
        return ExactMath.ToMoney(_sortedTotals[rank - 1], Currency);
    }

    /// <summary>Share of trials whose total is at least <paramref name="target"/>.</summary>
    /// <exception cref="CurrencyMismatchException">The target is in another currency.</exception>
    public double ProbabilityOfReaching(Money target)
    {
        if (target.Currency != Currency)
        {
            throw new CurrencyMismatchException(Currency, target.Currency);
        }

        var minor = target.MinorUnits;
        var below = LowerBound(minor);
        return (_sortedTotals.Length - below) / (double)_sortedTotals.Length;
    }

    private int LowerBound(long value)
    {
        int lo = 0, hi = _sortedTotals.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_sortedTotals[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
