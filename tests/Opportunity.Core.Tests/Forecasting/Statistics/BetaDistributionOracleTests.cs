using MathNet.Numerics;
using Opportunity.Forecasting;

namespace Opportunity.Core.Tests.Forecasting.Statistics;

/// <summary>
/// The hand-written Beta distribution (log-gamma, regularised incomplete beta, quantiles) against
/// Math.NET Numerics over a grid of the parameters the library meets: shrunk stage rates and
/// partner KPIs (priors of a few pseudo-counts up to a hundred thousand observations).
/// </summary>
public sealed class BetaDistributionOracleTests
{
    private const double Tolerance = 1e-9;

    private static readonly double[] Shapes = [0.5, 1, 1.5, 2, 3.7, 5, 10, 42.5, 100, 1_000, 10_000, 100_000];

    private static readonly double[] Points = [1e-6, 1e-3, 0.01, 0.05, 0.1, 0.25, 0.333, 0.5, 0.62, 0.75, 0.9, 0.95, 0.99, 0.999, 1 - 1e-6];

    public static TheoryData<double, double> ShapePairs()
    {
        var data = new TheoryData<double, double>();
        foreach (var a in Shapes)
        {
            foreach (var b in Shapes)
            {
                data.Add(a, b);
            }
        }

        return data;
    }

    [Fact]
    public void LogGamma_Grid_MatchesMathNetToRelative1e12()
    {
        for (var x = 0.05; x < 200_000; x *= 1.37)
        {
            var expected = SpecialFunctions.GammaLn(x);
            var actual = BetaDistribution.LogGamma(x);
            Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"ln Γ({x}) = {actual}, Math.NET {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(ShapePairs))]
    public void Cdf_Grid_MatchesMathNetTo1e9(double a, double b)
    {
        foreach (var x in Points.Concat(AroundMean(a, b)))
        {
            var expected = SpecialFunctions.BetaRegularized(a, b, x);
            var actual = BetaDistribution.Cdf(x, a, b);
            Assert.True(Math.Abs(actual - expected) <= Tolerance, $"Beta({a}, {b}) CDF at {x} = {actual:R}, Math.NET {expected:R}");
        }
    }

    [Theory]
    [MemberData(nameof(ShapePairs))]
    public void Quantile_Grid_MatchesMathNetTo1e9(double a, double b)
    {
        foreach (var q in new[] { 0.005, 0.025, 0.05, 0.1, 0.5, 0.9, 0.95, 0.975, 0.995 })
        {
            var expected = MathNet.Numerics.Distributions.Beta.InvCDF(a, b, q);
            var actual = BetaDistribution.Quantile(q, a, b);
            Assert.True(Math.Abs(actual - expected) <= Tolerance, $"Beta({a}, {b}) quantile {q} = {actual:R}, Math.NET {expected:R}");
        }
    }

    [Fact]
    public void Cdf_OutsideTheUnitInterval_IsZeroOrOne()
    {
        Assert.Equal(0, BetaDistribution.Cdf(0, 2, 3));
        Assert.Equal(0, BetaDistribution.Cdf(-0.5, 2, 3));
        Assert.Equal(1, BetaDistribution.Cdf(1, 2, 3));
        Assert.Equal(1, BetaDistribution.Cdf(1.5, 2, 3));
    }

    // Where the mass is: for large shapes the fixed points above sit in the far tails, so also check
    // the mean and a few standard deviations either side of it.
    private static IEnumerable<double> AroundMean(double a, double b)
    {
        var mean = a / (a + b);
        var sd = Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
        foreach (var k in new[] { -3.0, -1.5, -0.5, 0, 0.5, 1.5, 3 })
        {
            var x = mean + (k * sd);
            if (x is > 0 and < 1)
            {
                yield return x;
            }
        }
    }
}
