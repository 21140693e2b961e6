using System.Globalization;

namespace Opportunity;

/// <summary>
/// An exact amount of money in one currency. The amount is a <see cref="decimal"/> with at most the
/// currency's minor-unit digits, so every amount is a whole number of minor units (cents) and sums
/// are exact. Arithmetic across currencies throws <see cref="CurrencyMismatchException"/>.
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    /// <summary>Creates an amount; it may not have more decimal places than the currency's minor unit.</summary>
    /// <exception cref="ArgumentException">The amount has more decimal places than <paramref name="currency"/> allows.</exception>
    public Money(decimal amount, CurrencyCode currency)
    {
        var digits = currency.MinorUnitDigits;
        if (decimal.Round(amount, digits) != amount)
        {
            throw new ArgumentException(
                $"Amount {amount.ToString(CultureInfo.InvariantCulture)} has more decimal places than {currency.Code} allows ({digits}); round it with Money.Round first.",
                nameof(amount));
        }

        Amount = amount;
        Currency = currency;
    }

    /// <summary>
    /// The largest amount of one deal (an opportunity, a lead's estimated value, an imported row),
    /// in minor units: 922,337,203,685,477 (<see cref="long.MaxValue"/> ÷ 10,000), i.e.
    /// 9,223,372,036,854.77 EUR or 922,337,203,685,477 JPY. At this bound an amount × 10,000
    /// probability units still fits a 64-bit integer (the pipeline snapshot's fast path), and the
    /// exact 128-bit sums over 10^9 such deals stay far inside their range (about 9.2 × 10^27 of
    /// 1.7 × 10^38), so every aggregate over valid deals is exact. Every door checks it: the model,
    /// the CSV importer, <see cref="Persistence.AdapterSupport.OpportunityImportRules"/> and the stores.
    /// </summary>
    public const long MaxDealMinorUnits = long.MaxValue / Probability.Scale;

    /// <summary>True when the amount is between zero and <see cref="MaxDealMinorUnits"/> minor units, the range of one deal.</summary>
    public bool IsValidDealAmount => Amount >= 0m && Amount <= MaxDealAmount(Currency).Amount;

    /// <summary>The largest amount of one deal in <paramref name="currency"/> (<see cref="MaxDealMinorUnits"/> minor units).</summary>
    public static Money MaxDealAmount(CurrencyCode currency) => FromMinorUnits(MaxDealMinorUnits, currency);

    /// <summary>The amount in major units (e.g. euros).</summary>
    public decimal Amount { get; }

    /// <summary>The currency.</summary>
    public CurrencyCode Currency { get; }

    /// <summary>The amount as a whole number of minor units (e.g. cents).</summary>
    public long MinorUnits => decimal.ToInt64(Amount * Pow10(Currency.MinorUnitDigits));

    /// <summary>True when the amount is below zero.</summary>
    public bool IsNegative => Amount < 0m;

    /// <summary>Zero in the given currency.</summary>
    public static Money Zero(CurrencyCode currency) => new(0m, currency);

    /// <summary>Creates money from a whole number of minor units.</summary>
    public static Money FromMinorUnits(long minorUnits, CurrencyCode currency) =>
        new(minorUnits / Pow10(currency.MinorUnitDigits), currency);

    /// <summary>Creates money from a whole number of minor units held in 128 bits (an exact sum of many deals).</summary>
    /// <exception cref="OverflowException">The amount is beyond the decimal range (about 7.9 × 10^28 minor units).</exception>
    public static Money FromMinorUnits(Int128 minorUnits, CurrencyCode currency) =>
        new((decimal)minorUnits / Pow10(currency.MinorUnitDigits), currency);

    /// <summary>Rounds <paramref name="amount"/> to the currency's minor unit (half to even by default).</summary>
    public static Money Round(decimal amount, CurrencyCode currency, MidpointRounding rounding = MidpointRounding.ToEven) =>
        new(decimal.Round(amount, currency.MinorUnitDigits, rounding), currency);

    /// <summary>Adds two amounts of the same currency.</summary>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static Money operator +(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new Money(left.Amount + right.Amount, left.Currency);
    }

    /// <summary>Subtracts two amounts of the same currency.</summary>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static Money operator -(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new Money(left.Amount - right.Amount, left.Currency);
    }

    /// <summary>Negates an amount.</summary>
    public static Money operator -(Money value) => new(-value.Amount, value.Currency);

    /// <summary>Adds two amounts of the same currency.</summary>
    public Money Add(Money other) => this + other;

    /// <summary>Subtracts an amount of the same currency.</summary>
    public Money Subtract(Money other) => this - other;

    /// <summary>Negates the amount.</summary>
    public Money Negate() => -this;

    /// <summary>
    /// Splits the amount into <paramref name="parts"/> amounts that differ by at most one minor unit
    /// and add up exactly to this amount (0.05 in two is 0.03 + 0.02).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parts"/> is not positive.</exception>
    public IReadOnlyList<Money> Split(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parts);
        var total = MinorUnits;
        var quotient = total / parts;
        var remainder = total % parts;
        var result = new Money[parts];
        for (var i = 0; i < parts; i++)
        {
            var extra = i < Math.Abs(remainder) ? Math.Sign(remainder) : 0;
            result[i] = FromMinorUnits(quotient + extra, Currency);
        }

        return result;
    }

    /// <inheritdoc />
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public int CompareTo(Money other)
    {
        EnsureSameCurrency(this, other);
        return Amount.CompareTo(other.Amount);
    }

    /// <summary>Compares two amounts of the same currency.</summary>
    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    /// <summary>Compares two amounts of the same currency.</summary>
    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    /// <summary>Compares two amounts of the same currency.</summary>
    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two amounts of the same currency.</summary>
    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    /// <summary>Formats as <c>1234.50 EUR</c>, always with the currency's minor-unit digits, invariant culture.</summary>
    public override string ToString() => AmountText + " " + Currency.Code;

    /// <summary>The amount with exactly the currency's minor-unit digits, invariant culture: <c>1234.50</c>.</summary>
    internal string AmountText => Amount.ToString("F" + Currency.MinorUnitDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    internal static decimal Pow10(int digits) => digits switch
    {
        0 => 1m,
        1 => 10m,
        2 => 100m,
        3 => 1000m,
        _ => 10000m,
    };

    private static void EnsureSameCurrency(Money left, Money right)
    {
        if (left.Currency != right.Currency)
        {
            throw new CurrencyMismatchException(left.Currency, right.Currency);
        }
    }
}
