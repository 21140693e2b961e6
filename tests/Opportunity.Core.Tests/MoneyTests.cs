namespace Opportunity.Core.Tests;

public sealed class MoneyTests
{
    [Fact]
    public void Constructor_MoreDecimalsThanCurrencyAllows_ThrowsNamingAmount()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Money(1.005m, CurrencyCode.EUR));
        Assert.Equal("amount", ex.ParamName);
    }
}
