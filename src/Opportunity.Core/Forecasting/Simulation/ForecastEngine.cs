using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>Closed forms and Monte Carlo for <see cref="PipelineSnapshot.Forecast"/>.</summary>
internal static class ForecastEngine
{
    private static readonly Int128 VarianceSplit = 1_000_000_000_000_000_000;

    public static Forecast Run(PipelineSnapshot snapshot, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Trials is < 1 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Trials, "Trials must be between 1 and 10,000,000.");
        }

        var selected = snapshot;
        if (options.Filter is not null || options.Period is not null)
        {
            selected = snapshot.Filter((options.Filter ?? new PipelineFilter()) with { Period = options.Period ?? options.Filter?.Period });
        }

        var c = selected.Columns;
        var currencies = selected.Dictionaries.Currencies;
        var present = new bool[currencies.Length];
        foreach (var code in c.Currency)
        {
            present[code] = true;
        }

        var reporting = options.Currency ?? SingleCurrency(currencies, present);
        var asOf = options.RatesAsOf ?? options.Period?.LastDay ?? new LocalDate(2000, 1, 1);

        // A segment is a currency (corporate rates) or a currency and close month (dated rates):
        // everything below is summed exactly per segment and converted once at the segment's rate.
        var (segmentOf, segmentCurrency, segmentDate) = Segments(selected, options.RateDating, asOf);
        var segmentCount = segmentCurrency.Length;
        var rates = new decimal[segmentCount];
        var expected = new List<(CurrencyCode, Int128, LocalDate)>();
        var variance = 0m;
        var expectedScaled = new Int128[segmentCount];
        var amountTotal = new Int128[segmentCount];
        var used = new bool[segmentCount];

        // Σ a²·bp·(10⁴−bp) kept exact as high·10¹⁸ + low: one term is below 2.2·10³⁷ (a at most
        // Money.MaxDealMinorUnits), so neither part can overflow for any int count of deals.
        var varianceHigh = new Int128[segmentCount];
        var varianceLow = new Int128[segmentCount];
        for (var i = 0; i < c.Count; i++)
        {
            var a = (Int128)c.Amount[i];
            var bp = c.BasisPoints[i];
            var k = segmentOf is null ? c.Currency[i] : segmentOf[i];
            used[k] = true;
            expectedScaled[k] += a * bp;
            amountTotal[k] += a;
            var (high, low) = Int128.DivRem(a * a * (bp * (Probability.Scale - bp)), VarianceSplit);
            varianceHigh[k] += high;
            varianceLow[k] += low;
        }

        for (var k = 0; k < segmentCount; k++)
        {
            if (!used[k])
            {
                continue;
            }

            var currency = segmentCurrency[k];
            rates[k] = CurrencyConversion.Rate(currency, reporting, options.Rates, segmentDate[k]);
            expected.Add((currency, expectedScaled[k], segmentDate[k]));

            // Monte Carlo sums each trial in 64 bits: exact as long as all deals of the segment together fit.
            if (amountTotal[k] > long.MaxValue)
            {
                throw new AggregateOverflowException($"currency {currency.Code}", $"the {c.Count} deals sum to {amountTotal[k]} minor units, more than the 64-bit trial totals of the Monte Carlo simulation hold ({long.MaxValue}); forecast a smaller selection (filter by partner, region or period).");
            }

            // Variance in major units squared: V / (10^8 × 10^(2·digits)), times the squared rate.
            try
            {
                var digits = 8 + (2 * currency.MinorUnitDigits);
                var major = ExactMath.ToDecimalScaled(varianceHigh[k], digits - 18) + ExactMath.ToDecimalScaled(varianceLow[k], digits);
                variance += major * rates[k] * rates[k];
            }
            catch (OverflowException ex)
            {
                throw new AggregateOverflowException($"currency {currency.Code}", "the variance Σ a²·p·(1−p) exceeds the decimal range (about 7.9 × 10^28 in major units squared).", ex);
            }
        }

        var expectedMinor = CurrencyConversion.ToMinorUnits(expected, 4, reporting, options.Rates);

        // Monte Carlo, one segment per currency (or currency and month) present.
        var segments = Enumerable.Range(0, segmentCount).Where(k => used[k]).ToArray();
        var monteCarlo = new MonteCarlo(segments.Length, s => RowsOf(c, segmentOf, segments[s]));
        var trials = options.Trials;
        var sums = segments.Select(_ => new long[trials]).ToArray();
        var workers = Math.Clamp(options.MaxDegreeOfParallelism ?? snapshot.Options.MaxDegreeOfParallelism, 1, Math.Max(1, trials / 64));
        if (workers == 1)
        {
            monteCarlo.Run(options.Seed, 0, trials, sums);
        }
        else
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
                monteCarlo.Run(options.Seed, (int)((long)trials * w / workers), (int)((long)trials * (w + 1) / workers), sums));
        }

        var totals = new long[trials];
        var single = segments.Length == 0 || (segments.Length == 1 && segmentCurrency[segments[0]] == reporting);
        for (var t = 0; t < trials; t++)
        {
            if (single)
            {
                totals[t] = segments.Length == 0 ? 0 : sums[0][t];
                continue;
            }

            try
            {
                var value = 0m;
                for (var s = 0; s < segments.Length; s++)
                {
                    var currency = segmentCurrency[segments[s]];
                    value += ExactMath.ToDecimal(sums[s][t], currency.MinorUnitDigits) * rates[segments[s]];
                }

                totals[t] = checked((long)ExactMath.ToMinorUnits(value, reporting));
            }
            catch (OverflowException ex)
            {
                throw new AggregateOverflowException($"reporting currency {reporting.Code}", $"trial {t}'s won amount converted to {reporting.Code} exceeds 64-bit minor units.", ex);
            }
        }

        Array.Sort(totals);
        if (options.Target is { } target && target.Currency != reporting)
        {
            throw new CurrencyMismatchException(reporting, target.Currency);
        }

        return new Forecast(options.Period, reporting, c.Count, options.Seed, ExactMath.ToMoney(expectedMinor, reporting), variance, totals, options.Target);
    }

    private static IEnumerable<(long, int)> RowsOf(PipelineColumns c, int[]? segmentOf, int segment)
    {
        for (var i = 0; i < c.Count; i++)
        {
            if ((segmentOf is null ? c.Currency[i] : segmentOf[i]) == segment)
            {
                yield return (c.Amount[i], c.BasisPoints[i]);
            }
        }
    }

    /// <summary>
    /// Corporate: the currency codes themselves (no per-row array) and the one rate date. Dated: one
    /// segment per currency and close month that occur, each dated the first of its month.
    /// </summary>
    private static (int[]? SegmentOf, CurrencyCode[] Currency, LocalDate[] RateDate) Segments(PipelineSnapshot snapshot, ExchangeRateDating dating, LocalDate asOf)
    {
        var currencies = snapshot.Dictionaries.Currencies;
        switch (dating)
        {
            case ExchangeRateDating.Corporate:
                return (null, currencies, [.. currencies.Select(_ => asOf)]);
            case ExchangeRateDating.CloseMonth:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dating), dating, "Unknown exchange-rate dating.");
        }

        var c = snapshot.Columns;
        var segmentOf = new int[c.Count];
        var index = new Dictionary<(byte Currency, short Month), int>();
        var segmentCurrency = new List<CurrencyCode>();
        var segmentDate = new List<LocalDate>();
        for (var i = 0; i < c.Count; i++)
        {
            if (!index.TryGetValue((c.Currency[i], c.Month[i]), out var segment))
            {
                index[(c.Currency[i], c.Month[i])] = segment = segmentCurrency.Count;
                segmentCurrency.Add(currencies[c.Currency[i]]);
                segmentDate.Add(snapshot.CloseMonthStart(i));
            }

            segmentOf[i] = segment;
        }

        return (segmentOf, [.. segmentCurrency], [.. segmentDate]);
    }

    private static CurrencyCode SingleCurrency(CurrencyCode[] currencies, bool[] present)
    {
        var used = Enumerable.Range(0, currencies.Length).Where(k => present[k]).Select(k => currencies[k]).ToList();
        return used.Count switch
        {
            1 => used[0],
            0 => currencies.Length > 0 ? currencies[0] : CurrencyCode.EUR,
            _ => throw new InvalidOperationException($"The deals are in {used.Count} currencies ({string.Join(", ", used)}); set ForecastOptions.Currency and Rates."),
        };
    }
}
