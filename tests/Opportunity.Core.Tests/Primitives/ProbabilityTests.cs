using FsCheck.Xunit;

namespace Opportunity.Core.Tests.Primitives;

public sealed class ProbabilityTests
{
    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.0001)]
    [InlineData(1.0001)]
    [InlineData(double.PositiveInfinity)]
    public void Round_InvalidDouble_ThrowsNamingValue(double value)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Probability.Round(value));
        Assert.Equal("value", ex.ParamName);
    }

    [Fact]
    public void FromDecimal_FinerThanBasisPoint_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Probability.FromDecimal(0.12345m));
        Assert.Equal(1234, Probability.Round(0.12345m).BasisPoints); // half to even: 1234.5 → 1234
        Assert.Equal(1236, Probability.Round(0.12355m).BasisPoints); // 1235.5 → 1236
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void FromBasisPoints_OutOfRange_Throws(int bp)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Probability.FromBasisPoints(bp));
    }

    [Fact]
    public void FromPercent_AndToString_Agree()
    {
        Assert.Equal("80%", Probability.FromPercent(80).ToString());
        Assert.Equal(0.8m, Probability.FromPercent(80).Value);
        Assert.Equal(Probability.FromPercent(20), Probability.FromPercent(80).Complement());
    }

    [Property]
    public bool BasisPoints_RoundTripThroughDecimal(ushort raw)
    {
        var bp = raw % (Probability.Scale + 1);
        var p = Probability.FromBasisPoints(bp);
        return Probability.FromDecimal(p.Value) == p && Probability.Round(p.ToDouble()) == p;
    }
}
