using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// Converts exact per-currency sums to one reporting currency: each currency's exact sum is
/// multiplied by its rate once, the products are added in decimal, and the result is rounded once,
/// half to even. Without foreign currencies no rate is asked for and the result is exact.
/// </summary>
internal static class CurrencyConversion
{
    /// <summary>Converts exact minor-unit sums (scale 0) or weighted sums (scale 4) to <paramref name="target"/> minor units.</summary>
    /// <param name="sums">Per currency: the exact sum in minor units × 10^<paramref name="extraDigits"/>.</param>
    /// <param name="extraDigits">0 for amounts, 4 for weighted values (basis points).</param>
    /// <param name="target">The reporting currency.</param>
    /// <param name="rates">Rates for foreign currencies; may be null when every sum is already in <paramref name="target"/>.</param>
    /// <param name="asOf">The rate date.</param>
    public static Int128 ToMinorUnits(IEnumerable<(CurrencyCode Currency, Int128 Sum)> sums, int extraDigits, CurrencyCode target, IExchangeRateProvider? rates, LocalDate asOf) =>
        ToMinorUnits(sums.Select(s => (s.Currency, s.Sum, asOf)), extraDigits, target, rates);

    /// <summary>
    /// Converts exact sums that each carry their own rate date (dated exchange rates: one sum per
    /// currency and close month) to <paramref name="target"/> minor units: each sum times its rate,
    /// added in decimal, rounded once, half to even.
    /// </summary>
    public static Int128 ToMinorUnits(IEnumerable<(CurrencyCode Currency, Int128 Sum, LocalDate RateDate)> sums, int extraDigits, CurrencyCode target, IExchangeRateProvider? rates)
    {
        var sameCurrency = Int128.Zero;
        var converted = 0m;
        var anyForeign = false;
        foreach (var (currency, sum, asOf) in sums)
        {
            if (sum == Int128.Zero)
            {
                continue;
            }

            if (currency == target)
            {
                sameCurrency += sum;
                continue;
            }

            if (rates is null)
            {
                throw ExchangeRateNotFoundException.NoProvider(currency, target, asOf);
            }

            anyForeign = true;
            converted += ExactMath.ToDecimal(sum, currency.MinorUnitDigits + extraDigits) * rates.GetRate(currency, target, asOf);
        }

        if (!anyForeign)
        {
            return extraDigits == 0 ? sameCurrency : ExactMath.DivideRoundHalfEven(sameCurrency, ExactMath.Pow10Long(extraDigits));
        }

        converted += ExactMath.ToDecimal(sameCurrency, target.MinorUnitDigits + extraDigits);
        return ExactMath.ToMinorUnits(converted, target);
    }

    /// <summary>A single rate for <paramref name="from"/> → <paramref name="to"/>, 1 when equal; throws when a rate is needed but no provider is given.</summary>
    public static decimal Rate(CurrencyCode from, CurrencyCode to, IExchangeRateProvider? rates, LocalDate asOf)
    {
        if (from == to)
        {
            return 1m;
        }

        return rates is null
            ? throw ExchangeRateNotFoundException.NoProvider(from, to, asOf)
            : rates.GetRate(from, to, asOf);
    }
}
