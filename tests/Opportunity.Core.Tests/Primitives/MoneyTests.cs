using FsCheck.Xunit;

namespace Opportunity.Core.Tests.Primitives;

public sealed class MoneyTests
{
    [Fact]
    public void Constructor_MoreDecimalsThanCurrencyAllows_ThrowsNamingAmount()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Money(1.005m, CurrencyCode.EUR));
        Assert.Equal("amount", ex.ParamName);
        Assert.Contains("EUR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_YenWithCents_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Money(100.5m, CurrencyCode.JPY));
        Assert.Equal(100m, new Money(100m, CurrencyCode.JPY).Amount);
    }

    [Fact]
    public void Add_DifferentCurrencies_ThrowsCurrencyMismatch()
    {
        var ex = Assert.Throws<CurrencyMismatchException>(() => new Money(1m, CurrencyCode.EUR) + new Money(1m, CurrencyCode.USD));
        Assert.Equal(CurrencyCode.EUR, ex.Left);
        Assert.Equal(CurrencyCode.USD, ex.Right);
    }

    [Fact]
    public void CompareTo_DifferentCurrencies_Throws()
    {
        Assert.Throws<CurrencyMismatchException>(() => new Money(1m, CurrencyCode.EUR) < new Money(2m, CurrencyCode.GBP));
    }

    [Fact]
    public void Split_FiveCentsInTwo_IsThreePlusTwo()
    {
        var parts = new Money(0.05m, CurrencyCode.EUR).Split(2);
        Assert.Equal([new Money(0.03m, CurrencyCode.EUR), new Money(0.02m, CurrencyCode.EUR)], parts);
    }

    [Fact]
    public void Round_Midpoint_RoundsHalfToEven()
    {
        Assert.Equal(0.02m, Money.Round(0.025m, CurrencyCode.EUR).Amount);
        Assert.Equal(0.04m, Money.Round(0.035m, CurrencyCode.EUR).Amount);
    }

    [Fact]
    public void ToString_AlwaysShowsMinorDigits()
    {
        Assert.Equal("12.50 EUR", new Money(12.5m, CurrencyCode.EUR).ToString());
        Assert.Equal("1.000 KWD", new Money(1m, new CurrencyCode("KWD")).ToString());
    }

    [Property]
    public bool AddThenSubtract_WithinCurrency_IsExact(long a, long b) =>
        (Money.FromMinorUnits(a / 4, CurrencyCode.EUR) + Money.FromMinorUnits(b / 4, CurrencyCode.EUR) - Money.FromMinorUnits(b / 4, CurrencyCode.EUR))
        == Money.FromMinorUnits(a / 4, CurrencyCode.EUR);

    [Property]
    public bool Add_MatchesMinorUnitArithmetic(int a, int b) =>
        (Money.FromMinorUnits(a, CurrencyCode.USD) + Money.FromMinorUnits(b, CurrencyCode.USD)).MinorUnits == (long)a + b;

    [Property]
    public bool Split_NeverLosesOrInventsACent(long minor, byte parts)
    {
        var n = parts % 50 + 1;
        var money = Money.FromMinorUnits(minor / 1000, CurrencyCode.EUR);
        var split = money.Split(n);
        var sum = split.Aggregate(Money.Zero(CurrencyCode.EUR), (acc, m) => acc + m);
        var spread = split.Max(m => m.MinorUnits) - split.Min(m => m.MinorUnits);
        return sum == money && spread <= 1;
    }
}
