using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Import;

namespace Opportunity.Core.Tests.Import;

public sealed class ExchangeRateCsvTests
{
    [Fact]
    public void Read_DatesAndMonths_LoadsRatesIntoTheTableCurrency()
    {
        const string csv = "currency,effective_date,rate\nUSD,2026-01,0.92\nUSD,2026-04-15,0.95\ngbp,2026-01-01,1.17\n";

        var rates = ExchangeRateCsv.Read(new StringReader(csv), CurrencyCode.EUR).Value;

        Assert.Equal(3, rates.Count);
        Assert.Equal(0.92m, rates.GetRate(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 4, 14)));
        Assert.Equal(0.95m, rates.GetRate(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 4, 15)));
        Assert.Equal(1.17m, rates.GetRate(CurrencyCode.GBP, CurrencyCode.EUR, new LocalDate(2026, 1, 1)));
    }

    [Fact]
    public void Read_SeveralBadLines_ReportsEveryProblemWithLineAndColumn()
    {
        const string csv = "currency,month,rate\nUSD,2026-01,0.92\nXYZ,2026-02,1\nUSD,2026-13,0.9\nGBP,2026-02,-1\nEUR,2026-02,1\nUSD,2026-01-01,0.93\nUSD,2026-05\n";

        var result = ExchangeRateCsv.Read(new StringReader(csv), CurrencyCode.EUR);

        Assert.False(result.IsValid);
        Assert.Equal(
            ["line 3, column currency", "line 4, column effective_date", "line 5, column rate", "line 6, column currency", "line 7, column effective_date", "line 8"],
            result.Errors.Select(e => e.Location));
        Assert.Contains("line 2", result.Errors[4].Message, StringComparison.Ordinal);
        var thrown = Assert.Throws<InputValidationException>(() => result.Value);
        Assert.Equal(OpportunityErrorCodes.ValidationFailed, thrown.ErrorCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("currency,date,rate\nUSD,2026-01,0.9\n")]
    [InlineData("currency,effective_date\nUSD,2026-01\n")]
    public void Read_MissingOrWrongHeader_FailsOnLineOne(string csv)
    {
        var result = ExchangeRateCsv.Read(new StringReader(csv), CurrencyCode.EUR);

        Assert.Equal("line 1", Assert.Single(result.Errors).Location);
    }
}
