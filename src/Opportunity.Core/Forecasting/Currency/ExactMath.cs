namespace Opportunity.Forecasting;

/// <summary>
/// Integer and decimal helpers behind the one rounding rule of the forecasting code: sums are kept
/// exact (minor units × basis points in 128-bit integers) and rounded once, half to even, when
/// shown.
/// </summary>
internal static class ExactMath
{
    /// <summary>Basis points in one (the probability scale) as a 128-bit integer.</summary>
    public static readonly Int128 ProbabilityScale = Probability.Scale;

    /// <summary>Largest amount in minor units whose product with 10,000 basis points still fits a long: the one deal limit, <see cref="Money.MaxDealMinorUnits"/>.</summary>
    public const long MaxAmountMinorUnits = Money.MaxDealMinorUnits;

    /// <summary><paramref name="value"/> ÷ <paramref name="divisor"/>, rounded half to even (the divisor is positive).</summary>
    public static Int128 DivideRoundHalfEven(Int128 value, Int128 divisor)
    {
        var (quotient, remainder) = Int128.DivRem(value, divisor);
        if (remainder == Int128.Zero)
        {
            return quotient;
        }

        var twice = Int128.Abs(remainder) * 2;
        var sign = value < Int128.Zero ? -1 : 1;
        if (twice > divisor || (twice == divisor && !Int128.IsEvenInteger(quotient)))
        {
            return quotient + sign;
        }

        return quotient;
    }

    /// <summary>10 to the power <paramref name="digits"/> (0..18) as a long.</summary>
    public static long Pow10Long(int digits)
    {
        var result = 1L;
        for (var i = 0; i < digits; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>An exact decimal <paramref name="units"/> × 10^−<paramref name="digits"/>.</summary>
    /// <exception cref="OverflowException">The value does not fit a decimal.</exception>
    public static decimal ToDecimal(Int128 units, int digits)
    {
        var value = (decimal)units;
        for (var i = 0; i < digits; i++)
        {
            value /= 10m;
        }

        return value;
    }

    /// <summary>
    /// <paramref name="units"/> × 10^−<paramref name="digits"/> as a decimal; values beyond the
    /// decimal range first lose their lowest digits (rounded half to even), keeping 28 significant digits.
    /// </summary>
    public static decimal ToDecimalScaled(Int128 units, int digits)
    {
        var limit = (Int128)decimal.MaxValue;
        while (Int128.Abs(units) > limit)
        {
            units = DivideRoundHalfEven(units, 10);
            digits--;
        }

        var value = (decimal)units;
        for (; digits > 0; digits--)
        {
            value /= 10m;
        }

        for (; digits < 0; digits++)
        {
            value *= 10m;
        }

        return value;
    }

    /// <summary>Minor units to money (the amount must fit a decimal).</summary>
    public static Money ToMoney(Int128 minorUnits, CurrencyCode currency) =>
        new(ToDecimal(minorUnits, currency.MinorUnitDigits), currency);

    /// <summary>Rounds a decimal amount half to even to the currency's minor unit and returns it in minor units.</summary>
    public static Int128 ToMinorUnits(decimal amount, CurrencyCode currency)
    {
        var rounded = decimal.Round(amount, currency.MinorUnitDigits, MidpointRounding.ToEven);
        for (var i = 0; i < currency.MinorUnitDigits; i++)
        {
            rounded *= 10m;
        }

        return (Int128)rounded;
    }

    /// <summary>Floor of the square root of a non-negative 128-bit integer, exact.</summary>
    public static UInt128 SquareRoot(UInt128 value)
    {
        if (value < 2)
        {
            return value;
        }

        // Start above the root (2^ceil(bits/2)) and run Newton's iteration downwards.
        var bits = 128 - (int)UInt128.LeadingZeroCount(value);
        var x = UInt128.One << ((bits + 1) / 2);
        while (true)
        {
            var y = (x + (value / x)) >> 1;
            if (y >= x)
            {
                return x;
            }

            x = y;
        }
    }

    /// <summary>Square root of a non-negative decimal by Newton's method to decimal precision.</summary>
    public static decimal SquareRoot(decimal value)
    {
        if (value < 0m)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Square root of a negative number.");
        }

        if (value == 0m)
        {
            return 0m;
        }

        var x = (decimal)Math.Sqrt((double)value); // a close start; Newton then fixes the last digits
        if (x == 0m)
        {
            x = value;
        }

        for (var i = 0; i < 8; i++)
        {
            var next = (x + (value / x)) / 2m;
            if (next == x)
            {
                break;
            }

            x = next;
        }

        return x;
    }
}
