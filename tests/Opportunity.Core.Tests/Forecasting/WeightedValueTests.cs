using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Opportunity.Forecasting;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class WeightedValueTests
{
    [Theory]
    [InlineData(0.01, 5_000, 0.00)] // 0.005 → 0.00 (to even)
    [InlineData(0.03, 5_000, 0.02)] // 0.015 → 0.02
    [InlineData(0.05, 5_000, 0.02)] // 0.025 → 0.02
    [InlineData(0.07, 5_000, 0.04)] // 0.035 → 0.04
    [InlineData(333.33, 1_000, 33.33)] // 33.333
    [InlineData(10.00, 3_333, 3.33)] // 3.333
    public void Round_HalfToEvenOnce(decimal amount, int basisPoints, decimal expected)
    {
        var value = WeightedValue.Of(new Money(amount, CurrencyCode.EUR), Probability.FromBasisPoints(basisPoints));

        Assert.Equal(new Money(expected, CurrencyCode.EUR), value.Round());
    }

    [Property]
    public Property Sum_InAnyOrder_IsExactlyTheDecimalSum(NonNegativeInt[] cents, PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var values = cents.Select(c => WeightedValue.Of(Money.FromMinorUnits(c.Get, CurrencyCode.EUR), Probability.FromBasisPoints(random.Next(10_001)))).ToList();
        var forward = values.Aggregate(WeightedValue.Zero(CurrencyCode.EUR), (a, b) => a + b);
        var backward = Enumerable.Reverse(values).Aggregate(WeightedValue.Zero(CurrencyCode.EUR), (a, b) => a + b);
        var exact = values.Sum(v => v.ExactAmount);

        return (forward == backward && forward.ExactAmount == exact).ToProperty();
    }

    [Fact]
    public void Add_DifferentCurrencies_Throws() =>
        Assert.Throws<CurrencyMismatchException>(() => WeightedValue.Zero(CurrencyCode.EUR) + WeightedValue.Zero(CurrencyCode.USD));

    [Fact]
    public void Round_ZeroMinorDigitCurrency_RoundsToWholeUnits() =>
        Assert.Equal(new Money(2m, CurrencyCode.JPY), WeightedValue.Of(new Money(5m, CurrencyCode.JPY), Probability.FromPercent(50)).Round()); // 2.5 → 2
}
