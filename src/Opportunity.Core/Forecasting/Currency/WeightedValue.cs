namespace Opportunity.Forecasting;

/// <summary>
/// An exact weighted amount: amount × probability held as an integer number of
/// minor units × basis points (<see cref="Scaled"/>), so sums in any order, grouping or parallel
/// split are identical. It becomes money only when shown, through <see cref="Round"/>, which
/// rounds once, half to even, to the currency's minor unit.
/// </summary>
/// <param name="Currency">The currency.</param>
/// <param name="Scaled">The value in minor units × basis points (1/10,000).</param>
public readonly record struct WeightedValue(CurrencyCode Currency, Int128 Scaled)
{
    /// <summary>The weighted value of one amount: minor units × basis points, exact.</summary>
    public static WeightedValue Of(Money amount, Probability probability) =>
        new(amount.Currency, (Int128)amount.MinorUnits * probability.BasisPoints);

    /// <summary>Zero in a currency.</summary>
    public static WeightedValue Zero(CurrencyCode currency) => new(currency, Int128.Zero);

    /// <summary>The exact value in major units (e.g. 1234.5625 for 1,234.5625 EUR); no rounding.</summary>
    /// <exception cref="OverflowException">The value does not fit a decimal.</exception>
    public decimal ExactAmount => ExactMath.ToDecimal(Scaled, Currency.MinorUnitDigits + 4);

    /// <summary>The value rounded once, half to even, to the currency's minor unit.</summary>
    public Money Round() => ExactMath.ToMoney(ExactMath.DivideRoundHalfEven(Scaled, ExactMath.ProbabilityScale), Currency);

    /// <summary>Adds two weighted values of one currency.</summary>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static WeightedValue operator +(WeightedValue left, WeightedValue right)
    {
        if (left.Currency != right.Currency)
        {
            throw new CurrencyMismatchException(left.Currency, right.Currency);
        }

        return new WeightedValue(left.Currency, left.Scaled + right.Scaled);
    }

    /// <summary>Adds two weighted values of one currency.</summary>
    public WeightedValue Add(WeightedValue other) => this + other;

    /// <summary>The exact value and its currency, e.g. <c>1234.5625 EUR</c>.</summary>
    public override string ToString() => ExactAmount.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + Currency.Code;
}
