using System.Text.Json;
using PartnerPipeline.Cli;

namespace PartnerPipeline.Tests;

/// <summary>
/// forecast and report on data that is not in euros, grouped by region and product line, and a
/// scorecard that says "no data" where a partner has none: each on a small imported SQLite file.
/// </summary>
public sealed class ReportingCurrencyTests : IDisposable
{
    private const string Header = "id,partner,stage,amount,currency,expected_close,probability,forecast_category,region,product_line\n";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("partner-pipeline-currency-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Forecast_UsdDataWithoutCurrency_ReportsInUsd()
    {
        var db = Import("usd", "U1,P001,Proposal,1000.00,USD,2026-12-31,,,US-West,pumps\nU2,P002,Qualification,250.50,USD,2027-01-15,,,US-East,boilers\n");

        var (code, json) = SampleCommandTests.Run("forecast", "--db", db, "--format", "json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("USD", doc.RootElement.GetProperty("currency").GetString());
        Assert.Equal("1250.50", doc.RootElement.GetProperty("total").GetProperty("amount").GetString());
    }

    [Fact]
    public void Forecast_MixedCurrenciesWithoutCurrency_IsAUsageErrorSuggestingCurrencyAndRates()
    {
        var db = Import("mixed", "M1,P001,Proposal,1000.00,USD,2026-12-31,,,,\nM2,P002,Proposal,800.00,EUR,2026-12-31,,,,\n");

        var ex = Assert.Throws<UsageException>(() => SampleCommandTests.Run("forecast", "--db", db));

        Assert.Contains("EUR, USD", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--currency", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--rates", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forecast_MixedCurrenciesWithCurrencyButNoRate_NamesTheMissingRateAndBothOptions()
    {
        var db = Import("norate", "N1,P001,Proposal,1000.00,USD,2026-12-31,,,,\nN2,P002,Proposal,800.00,EUR,2026-12-31,,,,\n");

        var ex = Assert.Throws<UsageException>(() => SampleCommandTests.Run("forecast", "--db", db, "--currency", "EUR"));

        Assert.Contains("USD", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--rates", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--currency", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forecast_MixedCurrenciesWithRates_ConvertsIntoTheChosenCurrency()
    {
        var db = Import("rates", "R1,P001,Proposal,1000.00,USD,2026-12-31,,,,\nR2,P002,Proposal,800.00,EUR,2026-12-31,,,,\n");

        var (code, json) = SampleCommandTests.Run("forecast", "--db", db, "--format", "json", "--currency", "EUR", "--rates", "USD=0.5");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("EUR", doc.RootElement.GetProperty("currency").GetString());
        Assert.Equal("1300.00", doc.RootElement.GetProperty("total").GetProperty("amount").GetString());
    }

    [Fact]
    public void Forecast_RatesTable_ConvertsEachDealAtItsCloseMonthsRate()
    {
        var db = Import("dated", "D1,P001,Proposal,1000.00,USD,2026-11-30,,,,\nD2,P001,Proposal,1000.00,USD,2026-12-31,,,,\nD3,P002,Proposal,800.00,EUR,2026-12-31,,,,\n");
        var table = Path.Combine(_folder.FullName, "rates.csv");
        File.WriteAllText(table, "currency,effective_date,rate\nUSD,2026-11,0.5\nUSD,2026-12-01,0.8\n");

        var (code, json) = SampleCommandTests.Run("forecast", "--db", db, "--format", "json", "--currency", "EUR", "--rates", table);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("2100.00", doc.RootElement.GetProperty("total").GetProperty("amount").GetString()); // 500 + 800 + 800
    }

    [Fact]
    public void Forecast_BadRatesTable_IsAUsageErrorNamingTheLine()
    {
        var db = Import("badtable", "B1,P001,Proposal,1000.00,USD,2026-11-30,,,,\n");
        var table = Path.Combine(_folder.FullName, "bad-rates.csv");
        File.WriteAllText(table, "currency,effective_date,rate\nUSD,2026-11,zero\n");

        var ex = Assert.Throws<UsageException>(() => SampleCommandTests.Run("forecast", "--db", db, "--currency", "EUR", "--rates", table));

        Assert.Contains("line 2, column rate", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("region", "US-East", "US-West")]
    [InlineData("product_line", "boilers", "pumps")]
    public void Forecast_ByRegionOrProductLine_GroupsByIt(string by, string first, string second)
    {
        var db = Import("by-" + by, "G1,P001,Proposal,1000.00,EUR,2026-12-31,,,US-West,pumps\nG2,P002,Proposal,200.00,EUR,2026-12-31,,,US-East,boilers\nG3,P002,Proposal,300.00,EUR,2026-12-31,,,US-West,pumps\n");

        var (code, json) = SampleCommandTests.Run("forecast", "--db", db, "--format", "json", "--by", by);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(json);
        var groups = doc.RootElement.GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("key").GetString()!, g => g.GetProperty("amount").GetString());
        Assert.Equal(new Dictionary<string, string?> { [first] = "200.00", [second] = "1300.00" }, groups);
    }

    [Fact]
    public async Task Report_UsdData_IsInUsdAndSaysNoDataForPartnersWithoutLeads()
    {
        var db = Import("report", "H1,P001,Proposal,1000.00,USD,2026-12-31,,,,\nH2,P002,Negotiation,4000.00,USD,2026-11-30,,,,\n");
        var html = Path.Combine(_folder.FullName, "report.html");

        var (code, _) = SampleCommandTests.Run("report", "--html", html, "--db", db, "--target", "3000");

        Assert.Equal(0, code);
        var model = await Commands.ReportCommand.BuildAsync(db, Simulation.QuarterSimulation.End, 3000m);
        Assert.Equal("USD", model.Currency);
        Assert.NotEmpty(model.Scorecard);
        // Imported deals came with no leads: no partner has an acceptance rate to show.
        Assert.All(model.Scorecard, row => Assert.Null(row.AcceptanceRate));
        var page = await File.ReadAllTextAsync(html);
        Assert.Contains("no data", page, StringComparison.Ordinal);
        Assert.DoesNotContain("50 %", page, StringComparison.Ordinal);
    }

    private string Import(string name, string rows)
    {
        var csv = Path.Combine(_folder.FullName, name + ".csv");
        File.WriteAllText(csv, Header + rows);
        var db = Path.Combine(_folder.FullName, name + ".db");
        var (code, _) = SampleCommandTests.Run("import", csv, "--db", db);
        Assert.Equal(0, code);
        return db;
    }
}
