using FsCheck;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Primitives;

/// <summary>
/// One maximum amount of a deal, <see cref="Money.MaxDealMinorUnits"/>, holds at every door (model,
/// import rules, stores' values, pipeline rows) and every aggregate over deals up to it is exact or
/// a typed error naming its group.
/// </summary>
public sealed class DealAmountLimitTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 1, 15, 9, 0));
    private static readonly CurrencyCode[] Currencies = [CurrencyCode.EUR, CurrencyCode.JPY, new("BHD")];

    [Fact]
    public void MaxDealMinorUnits_TimesProbabilityScale_FitsALongAndBillionDealSumsFitInt128AndDecimal()
    {
        Assert.True((Int128)Money.MaxDealMinorUnits * Probability.Scale <= long.MaxValue);
        Assert.True((Int128)Money.MaxDealMinorUnits * Probability.Scale * 1_000_000_000 < Int128.MaxValue / 1000);
        Assert.True((decimal)Money.MaxDealMinorUnits * Probability.Scale * int.MaxValue < decimal.MaxValue);
        Assert.Equal("9223372036854.77 EUR", Money.MaxDealAmount(CurrencyCode.EUR).ToString());
    }

    /// <summary>Around the limit, in currencies of 0, 2 and 3 minor digits, every door agrees: at or below is accepted, above refused naming the field.</summary>
    [Property(MaxTest = 200)]
    public void EveryDoor_AroundTheLimit_AgreesOnWhatIsValid(short offset, byte currencyIndex)
    {
        var currency = Currencies[currencyIndex % Currencies.Length];
        var amount = Money.FromMinorUnits(Money.MaxDealMinorUnits + offset, currency);
        var valid = offset <= 0;

        Assert.Equal(valid, amount.IsValidDealAmount);
        Assert.Equal(valid, Accepts(() => Open(amount)));
        Assert.Equal(valid, Accepts(() => Open(Money.Zero(currency)).ChangeAmount(amount, "u", Clock)));
        Assert.Equal(valid, Accepts(() => _ = new LeadDetails { EstimatedValue = amount }));
        Assert.Equal(valid, Accepts(() => _ = new PipelineRow(new PartnerId("P1"), amount, "Proposal", Probability.FromBasisPoints(5_000), ForecastCategory.Pipeline, new LocalDate(2025, 6, 30))));
        var snapshot = Open(Money.Zero(currency)).ToSnapshot() with { Amount = amount };
        var ruleErrors = OpportunityImportRules.Check(snapshot, 3, new PipelineCatalog()).ToList();
        Assert.Equal(valid, ruleErrors.Count == 0);
        Assert.All(ruleErrors, e => Assert.Equal("rows[3].amount", e.Location));
        if (valid)
        {
            Assert.Equal(amount.MinorUnits, StoredValues.AmountMinorUnits(snapshot));
        }
        else
        {
            Assert.Equal("Amount", Assert.Throws<StoreDataException>(() => StoredValues.AmountMinorUnits(snapshot)).Field);
        }
    }

    [Fact]
    public void Forecast_HundredDealsAtTheLimit_IsExact()
    {
        var max = Money.MaxDealAmount(CurrencyCode.EUR);
        var snapshot = PipelineSnapshot.FromRows(Enumerable.Range(0, 100).Select(i => Row($"P{i % 7}", max, 5_000)));

        var forecast = snapshot.Forecast(new ForecastOptions { Trials = 2_000, Seed = 11 });
        using var totals = snapshot.Group(PipelineDimension.Partner);

        Assert.Equal(max.Amount * 50, forecast.Expected.Amount);
        var variance = max.Amount * max.Amount * 25; // 100 × a² × ½ × ½ (a² has more digits than a decimal keeps)
        Assert.InRange(forecast.Variance, variance * 0.999_999_999_999_999_999m, variance * 1.000_000_000_000_000_001m);
        Assert.InRange(forecast.P50.Amount, max.Amount * 30, max.Amount * 70);
        Assert.Equal(max.Amount * 100, totals.Groups.Sum(g => g.Amount.Amount));
        Assert.Equal(max.Amount * 50, totals.Groups.Sum(g => g.Weighted.ExactAmount));
    }

    [Fact]
    public void Forecast_MoreDealsAtTheLimitThanATrialTotalHolds_ThrowsNamingTheCurrency()
    {
        var max = Money.MaxDealAmount(CurrencyCode.EUR);
        var snapshot = PipelineSnapshot.FromRows(Enumerable.Range(0, 10_001).Select(i => Row("P1", max, 5_000)));

        var error = Assert.Throws<AggregateOverflowException>(() => snapshot.Forecast(new ForecastOptions { Trials = 10, Seed = 1 }));

        Assert.Equal("currency EUR", error.Group);

        // The weighted pipeline of the same deals is exact all the same.
        using var total = snapshot.Total();
        Assert.Equal((Int128)Money.MaxDealMinorUnits * 10_001, Assert.Single(total.Groups).AmountMinorUnits);
    }

    [Fact]
    public void Forecast_VarianceBeyondTheDecimalRange_ThrowsNamingTheCurrency()
    {
        // 5,000 deals at the limit: trial totals fit 64 bits, Σ a²p(1−p) ≈ 1.1 × 10^29 EUR² does not fit a decimal.
        var snapshot = PipelineSnapshot.FromRows(Enumerable.Range(0, 5_000).Select(i => Row("P1", Money.MaxDealAmount(CurrencyCode.EUR), 5_000)));

        var error = Assert.Throws<AggregateOverflowException>(() => snapshot.Forecast(new ForecastOptions { Trials = 10, Seed = 1 }));

        Assert.Equal("currency EUR", error.Group);
        Assert.Equal(OpportunityErrorCodes.AggregateOverflow, error.ErrorCode);
    }

    [Fact]
    public void FromOpportunities_DealAboveTheLimit_NamesTheDeal()
    {
        var deal = SalesOpportunity.FromSnapshot(Open(Money.Zero(CurrencyCode.EUR)).ToSnapshot() with { Amount = Money.FromMinorUnits(Money.MaxDealMinorUnits + 1, CurrencyCode.EUR) }, PipelineDefinition.Default);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PipelineSnapshot.FromOpportunities([deal]));

        Assert.Contains("'o-1'", error.Message, StringComparison.Ordinal);
    }

    private static PipelineRow Row(string partner, Money amount, int basisPoints) =>
        new(new PartnerId(partner), amount, "Proposal", Probability.FromBasisPoints(basisPoints), ForecastCategory.Pipeline, new LocalDate(2025, 6, 30));

    private static SalesOpportunity Open(Money amount) =>
        SalesOpportunity.Open(Tenant, new OpportunityId("o-1"), new SalesOpportunityDraft(new PartnerId("P1"), amount, new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "u", Clock);

    private static bool Accepts(Action action)
    {
        try
        {
            action();
            return true;
        }
        // The opportunity refuses with its typed input error, the other doors with their argument checks.
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidInputException { ErrorCode: OpportunityErrorCodes.AmountOutOfRange, Field: "amount" })
        {
            return false;
        }
    }
}
