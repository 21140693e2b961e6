using NodaTime;
using Opportunity.Persistence.PostgreSql.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests.Pipelines;

/// <summary>The pushed-down aggregate's money values over deals at the one deal limit: exact where 0.1.0 threw a bare OverflowException.</summary>
public sealed class PipelineAggregateRowTests
{
    [Fact]
    public void Amount_SumOfTwentyThousandDealsAtTheLimit_IsExact()
    {
        var row = new PipelineAggregateRow(new PartnerId("P1"), "Proposal", null, CurrencyCode.EUR, 20_000, (Int128)Money.MaxDealMinorUnits * 20_000, (Int128)Money.MaxDealMinorUnits * 20_000 * 5_000);

        Assert.Equal(Money.MaxDealAmount(CurrencyCode.EUR).Amount * 20_000, row.Amount.Amount);
        Assert.Equal(Money.MaxDealAmount(CurrencyCode.EUR).Amount * 10_000, row.WeightedValue.Amount);
    }

    [Fact]
    public void Amount_BeyondTheDecimalRange_ThrowsNamingTheGroup()
    {
        var row = new PipelineAggregateRow(new PartnerId("P1"), "Proposal", new LocalDate(2025, 4, 1), CurrencyCode.EUR, 1, Int128.MaxValue / 2, 0);

        var error = Assert.Throws<AggregateOverflowException>(() => row.Amount);

        Assert.Equal("partner P1, stage Proposal, period 2025-04-01, currency EUR", error.Group);
    }
}
