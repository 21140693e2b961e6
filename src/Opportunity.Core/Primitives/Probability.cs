using System.Globalization;

namespace Opportunity;

/// <summary>
/// A probability in [0, 1], held exactly as an integer number of basis points (1/10,000), so that
/// weighted sums (minor units × basis points, summed in 128-bit) are exact. NaN and values outside
/// [0, 1] are rejected.
/// </summary>
public readonly record struct Probability : IComparable<Probability>
{
    /// <summary>Basis points in a probability of one: the fixed-point scale.</summary>
    public const int Scale = 10_000;

    private Probability(int basisPoints) => BasisPoints = basisPoints;

    /// <summary>The probability in basis points, 0 to <see cref="Scale"/>.</summary>
    public int BasisPoints { get; }

    /// <summary>The probability as an exact decimal in [0, 1].</summary>
    public decimal Value => BasisPoints / (decimal)Scale;

    /// <summary>Probability zero.</summary>
    public static Probability Zero => default;

    /// <summary>Probability one.</summary>
    public static Probability One => new(Scale);

    /// <summary>Creates a probability from basis points (0 to 10,000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..10,000.</exception>
    public static Probability FromBasisPoints(int basisPoints)
    {
        if (basisPoints is < 0 or > Scale)
        {
            throw new ArgumentOutOfRangeException(nameof(basisPoints), basisPoints, "Probability basis points must be between 0 and 10000.");
        }

        return new Probability(basisPoints);
    }

    /// <summary>Creates a probability from a whole percentage (0 to 100).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..100.</exception>
    public static Probability FromPercent(int percent)
    {
        if (percent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "Probability percent must be between 0 and 100.");
        }

        return new Probability(percent * 100);
    }

    /// <summary>
    /// Creates a probability from an exact decimal in [0, 1] with at most four decimal places.
    /// Use <see cref="Round(decimal)"/> for values with more digits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [0, 1] or finer than a basis point.</exception>
    public static Probability FromDecimal(decimal value)
    {
        if (value is < 0m or > 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Probability must be between 0 and 1.");
        }

        var scaled = value * Scale;
        if (decimal.Truncate(scaled) != scaled)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Probability has more than four decimal places; use Probability.Round.");
        }

        return new Probability((int)scaled);
    }

    /// <summary>Rounds a decimal in [0, 1] to the nearest basis point (half to even).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [0, 1].</exception>
    public static Probability Round(decimal value)
    {
        if (value is < 0m or > 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Probability must be between 0 and 1.");
        }

        return new Probability((int)decimal.Round(value * Scale, 0, MidpointRounding.ToEven));
    }

    /// <summary>Rounds a double in [0, 1] to the nearest basis point; NaN and infinities are rejected.</summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN, infinite, or outside [0, 1].</exception>
    public static Probability Round(double value)
    {
        if (double.IsNaN(value) || value is < 0d or > 1d)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Probability must be a number between 0 and 1.");
        }

        return new Probability((int)Math.Round(value * Scale, MidpointRounding.ToEven));
    }

    /// <summary>The probability as a double, for statistics (never for money).</summary>
    public double ToDouble() => BasisPoints / (double)Scale;

    /// <summary>The complement, 1 − p.</summary>
    /// <remarks>A method, not a property: a property of its own type made every serializer that walks properties loop forever.</remarks>
    public Probability Complement() => new(Scale - BasisPoints);

    /// <inheritdoc />
    public int CompareTo(Probability other) => BasisPoints.CompareTo(other.BasisPoints);

    /// <summary>Compares two probabilities.</summary>
    public static bool operator <(Probability left, Probability right) => left.BasisPoints < right.BasisPoints;

    /// <summary>Compares two probabilities.</summary>
    public static bool operator >(Probability left, Probability right) => left.BasisPoints > right.BasisPoints;

    /// <summary>Compares two probabilities.</summary>
    public static bool operator <=(Probability left, Probability right) => left.BasisPoints <= right.BasisPoints;

    /// <summary>Compares two probabilities.</summary>
    public static bool operator >=(Probability left, Probability right) => left.BasisPoints >= right.BasisPoints;

    /// <summary>Formats as a percentage with up to two decimals, e.g. <c>12.5%</c>.</summary>
    public override string ToString() => (BasisPoints / 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
