using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.ForecastingTestData;

namespace Opportunity.Core.Tests.Forecasting.Currency;

public sealed class DatedExchangeRateTests
{
    private static readonly FiscalCalendar April = new(4);

    [Property(MaxTest = 60)]
    public Property Report_CloseMonthDating_EveryLineEqualsTheRoundedSumOfItsDealsConvertedOneByOne(PositiveInt seed, byte groupingIndex)
    {
        var rows = Rows(seed.Get, 1 + (seed.Get % 300), partners: 1 + (seed.Get % 23));
        var grouping = AllGroupings[groupingIndex % AllGroupings.Length];
        var (provider, table) = MonthlyRates(seed.Get);
        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { FiscalCalendar = April });

        var dated = snapshot.Report(grouping, CurrencyCode.EUR, provider, ExchangeRateDating.CloseMonth);

        // The independent computation: every deal converted on its own at its close month's rate
        // (looked up in the test's own table), summed exactly in decimal, rounded once per line.
        var expected = rows
            .GroupBy(r => KeyOf(r, grouping))
            .ToDictionary(g => g.Key, g => (Count: g.LongCount(), Amount: Round(g.Sum(r => r.Amount.Amount * RateOf(table, r))), Weighted: Round(g.Sum(r => Weighted(r) * RateOf(table, r)))));
        Assert.Equal(expected.Count, dated.Groups.Count);
        foreach (var line in dated.Groups)
        {
            var (count, amount, weighted) = expected[line.Key];
            Assert.Equal(count, line.Count);
            Assert.Equal(amount, line.Amount.Amount);
            Assert.Equal(weighted, line.Weighted.Amount);
        }

        Assert.Equal(Round(rows.Sum(r => Weighted(r) * RateOf(table, r))), dated.Total.Weighted.Amount);
        Assert.Equal(Round(rows.Sum(r => r.Amount.Amount * RateOf(table, r))), dated.Total.Amount.Amount);

        // Same lines, in the same display order, as the corporate report of the same grouping.
        var corporate = snapshot.Report(grouping, CurrencyCode.EUR, provider, ExchangeRateDating.Corporate, new LocalDate(2026, 12, 31));
        Assert.Equal(corporate.Groups.Select(l => (l.Key, l.Count)), dated.Groups.Select(l => (l.Key, l.Count)));
        return true.ToProperty();
    }

    [Fact]
    public void Report_CorporateDating_IsGroupToReportAtTheRateDate()
    {
        var rows = Rows(5, 2_000, partners: 40);
        var (provider, _) = MonthlyRates(5);
        var snapshot = PipelineSnapshot.FromRows(rows);
        var grouping = PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage);
        var asOf = new LocalDate(2025, 9, 30);

        using var totals = snapshot.Group(grouping);
        Assert.Equal(totals.ToReport(CurrencyCode.EUR, provider, asOf), snapshot.Report(grouping, CurrencyCode.EUR, provider, ExchangeRateDating.Corporate, asOf), ReportComparer.Instance);
    }

    [Fact]
    public void Report_CloseMonthDating_TwoDealsInTwoMonthsUseTheirOwnMonthsRate()
    {
        var rates = new DatedExchangeRates()
            .Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 1, 1), 0.90m)
            .Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 3, 1), 0.80m);
        var snapshot = PipelineSnapshot.FromRows(
        [
            new PipelineRow(new PartnerId("P1"), new Money(1_000m, CurrencyCode.USD), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2026, 2, 14)),
            new PipelineRow(new PartnerId("P1"), new Money(1_000m, CurrencyCode.USD), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2026, 3, 31)),
        ]);

        var dated = snapshot.Report(PipelineGrouping.Total, CurrencyCode.EUR, rates, ExchangeRateDating.CloseMonth);
        var corporate = snapshot.Report(PipelineGrouping.Total, CurrencyCode.EUR, rates, ExchangeRateDating.Corporate, new LocalDate(2026, 3, 31));

        Assert.Equal(new Money(1_700m, CurrencyCode.EUR), dated.Total.Amount);       // 900 (February at January's rate) + 800 (March)
        Assert.Equal(new Money(850m, CurrencyCode.EUR), dated.Total.Weighted);
        Assert.Equal(new Money(1_600m, CurrencyCode.EUR), corporate.Total.Amount);   // both at March's rate
    }

    [Fact]
    public void Report_CloseMonthDating_NoRateYetForAMonth_ThrowsNamingThePairAndTheMonth()
    {
        var rates = new DatedExchangeRates().Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 3, 1), 0.80m);
        var snapshot = PipelineSnapshot.FromRows([new PipelineRow(new PartnerId("P1"), new Money(10m, CurrencyCode.USD), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2026, 2, 14))]);

        var error = Assert.Throws<ExchangeRateNotFoundException>(() => snapshot.Report(PipelineGrouping.Total, CurrencyCode.EUR, rates, ExchangeRateDating.CloseMonth));

        Assert.Equal((CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 2, 1)), (error.From, error.To, error.AsOf));
    }

    [Fact]
    public void ToReport_NoProviderOrNoRateDate_SaysWhichIsMissingRatherThanNamingTheYearOne()
    {
        var snapshot = PipelineSnapshot.FromRows([new PipelineRow(new PartnerId("P1"), new Money(10m, CurrencyCode.USD), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2026, 2, 14))]);
        var rates = new DatedExchangeRates().Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 1, 1), 0.90m);
        using var totals = snapshot.Group(PipelineGrouping.Total);

        var noProvider = Assert.Throws<ExchangeRateNotFoundException>(() => totals.ToReport(CurrencyCode.EUR));
        var noDate = Assert.Throws<ExchangeRateNotFoundException>(() => totals.ToReport(CurrencyCode.EUR, rates));

        Assert.Contains("without exchange rates", noProvider.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0001-01-01", noProvider.Message, StringComparison.Ordinal);
        Assert.Contains("the default rate date: pass the report's rate date (asOf)", noDate.Message, StringComparison.Ordinal);
        Assert.Equal(new Money(9m, CurrencyCode.EUR), totals.ToReport(CurrencyCode.EUR, rates, new LocalDate(2026, 3, 31)).Total.Amount);
    }

    [Fact]
    public void Rollup_CloseMonthDating_CumulativeViewsUseEachDealsMonth()
    {
        var rates = new DatedExchangeRates()
            .Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 1, 1), 0.90m)
            .Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 3, 1), 0.80m);
        var snapshot = PipelineSnapshot.FromRows(
        [
            new PipelineRow(new PartnerId("P1"), new Money(100m, CurrencyCode.USD), "Negotiation", Probability.FromPercent(80), ForecastCategory.Commit, new LocalDate(2026, 1, 20)),
            new PipelineRow(new PartnerId("P2"), new Money(100m, CurrencyCode.USD), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2026, 3, 5)),
        ]);
        var quarter = FiscalCalendar.CalendarYear.Quarter(2026, 1);

        var dated = ForecastRollup.Compute(snapshot, quarter, CurrencyCode.EUR, rates, ExchangeRateDating.CloseMonth);
        var corporate = ForecastRollup.Compute(snapshot, quarter, CurrencyCode.EUR, rates);

        Assert.Equal((90m, 170m), (dated.CommitForecast.Amount, dated.BestCaseForecast.Amount));
        Assert.Equal((80m, 160m), (corporate.CommitForecast.Amount, corporate.BestCaseForecast.Amount));
    }

    [Fact]
    public void Forecast_CloseMonthDating_ExpectedEqualsDatedReportAndCertainDealsGiveThatInEveryTrial()
    {
        var rows = Rows(9, 3_000, partners: 30);
        var (provider, _) = MonthlyRates(9);
        var snapshot = PipelineSnapshot.FromRows(rows);
        var certain = PipelineSnapshot.FromRows(rows.Select(r => new PipelineRow(r.Partner, r.Amount, r.Stage, Probability.FromPercent(100), r.Category, r.CloseDate)));
        var options = new ForecastOptions { Currency = CurrencyCode.EUR, Rates = provider, RateDating = ExchangeRateDating.CloseMonth, Trials = 200, Seed = 3 };

        var forecast = snapshot.Forecast(options);
        var sure = certain.Forecast(options);

        Assert.Equal(snapshot.Report(PipelineGrouping.Total, CurrencyCode.EUR, provider, ExchangeRateDating.CloseMonth).Total.Weighted, forecast.Expected);
        var total = certain.Report(PipelineGrouping.Total, CurrencyCode.EUR, provider, ExchangeRateDating.CloseMonth).Total.Amount;
        Assert.Equal((total, total, total), (sure.P10, sure.P50, sure.P90));
        Assert.NotEqual(snapshot.Forecast(options with { RateDating = ExchangeRateDating.Corporate, RatesAsOf = new LocalDate(2026, 6, 30) }).Expected, forecast.Expected);
    }

    [Fact]
    public void GetRate_DatedTable_TakesTheLatestRateOnOrBeforeTheDateAndInvertsAMissingPair()
    {
        var rates = new DatedExchangeRates()
            .Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 1, 1), 0.90m)
            .Add(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 4, 1), 0.80m);

        Assert.Equal(0.90m, rates.GetRate(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 3, 31)));
        Assert.Equal(0.80m, rates.GetRate(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2026, 4, 1)));
        Assert.Equal(1m / 0.80m, rates.GetRate(CurrencyCode.EUR, CurrencyCode.USD, new LocalDate(2027, 1, 1)));
        Assert.Equal(1m, rates.GetRate(CurrencyCode.JPY, CurrencyCode.JPY, new LocalDate(1990, 1, 1)));
        Assert.Throws<ExchangeRateNotFoundException>(() => rates.GetRate(CurrencyCode.USD, CurrencyCode.EUR, new LocalDate(2025, 12, 31)));
        Assert.Throws<ExchangeRateNotFoundException>(() => rates.GetRate(CurrencyCode.GBP, CurrencyCode.EUR, new LocalDate(2026, 5, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => rates.Add(CurrencyCode.GBP, CurrencyCode.EUR, new LocalDate(2026, 1, 1), 0m));
    }

    /// <summary>USD and JPY into EUR: a rate for most months from 2024-12 to 2026-07 (some months keep the previous one).</summary>
    private static (DatedExchangeRates Provider, Dictionary<(CurrencyCode, LocalDate), decimal> Table) MonthlyRates(int seed)
    {
        var random = new Random(seed);
        var provider = new DatedExchangeRates();
        var table = new Dictionary<(CurrencyCode, LocalDate), decimal>();
        var usd = 0.9m;
        var jpy = 0.0061m;
        for (var month = new LocalDate(2024, 12, 1); month <= new LocalDate(2026, 7, 1); month = month.PlusMonths(1))
        {
            if (month == new LocalDate(2024, 12, 1) || random.Next(4) != 0)
            {
                usd = 0.85m + (random.Next(10_000) / 100_000m);
                jpy = 0.0058m + (random.Next(10_000) / 10_000_000m);
                provider.Add(CurrencyCode.USD, CurrencyCode.EUR, month, usd).Add(CurrencyCode.JPY, CurrencyCode.EUR, month, jpy);
            }

            table[(CurrencyCode.USD, month)] = usd;
            table[(CurrencyCode.JPY, month)] = jpy;
        }

        return (provider, table);
    }

    private static decimal RateOf(Dictionary<(CurrencyCode, LocalDate), decimal> table, PipelineRow row) =>
        row.Amount.Currency == CurrencyCode.EUR ? 1m : table[(row.Amount.Currency, new LocalDate(row.CloseDate.Year, row.CloseDate.Month, 1))];

    private static decimal Weighted(PipelineRow row) => row.Amount.Amount * row.Probability.BasisPoints / 10_000m;

    private static decimal Round(decimal value) => decimal.Round(value, 2, MidpointRounding.ToEven);

    private static string KeyOf(PipelineRow row, PipelineGrouping grouping) =>
        grouping.First is not { } first ? "Total"
        : grouping.Second is not { } second ? Label(row, first, April)
        : Label(row, first, April) + " / " + Label(row, second, April);

    private sealed class ReportComparer : IEqualityComparer<PipelineReport>
    {
        public static readonly ReportComparer Instance = new();

        public bool Equals(PipelineReport? x, PipelineReport? y) =>
            x is not null && y is not null && x.Currency == y.Currency && x.Grouping == y.Grouping && x.Total == y.Total && x.Groups.SequenceEqual(y.Groups);

        public int GetHashCode(PipelineReport obj) => obj.Total.GetHashCode();
    }
}
