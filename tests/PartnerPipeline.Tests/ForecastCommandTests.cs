using System.Globalization;
using System.Text.Json;
using static PartnerPipeline.Tests.SampleCommandTests;

namespace PartnerPipeline.Tests;

/// <summary>
/// forecast on small imported files: --by hierarchy counts and converts every open deal as the other
/// groupings do, missing and duplicate rates are usage errors that say what to pass, and the text
/// table keeps its columns apart whatever the amounts.
/// </summary>
public sealed class ForecastCommandTests : IDisposable
{
    private const string Header = "id,partner,stage,amount,currency,expected_close\n";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("partner-pipeline-forecast-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void ByHierarchy_DealsClosingBefore2000OrAfter2100_AreCounted()
    {
        var db = Import("far", "E1,P001,Proposal,100,EUR,1999-01-01\nE2,P001,Proposal,200,EUR,2100-06-01\nE3,P001,Proposal,400,EUR,2026-12-01\nE4,P002,Proposal,800,EUR,1950-03-01\n");

        var root = Root(Run("forecast", "--db", db, "--by", "hierarchy").Output);
        var total = Total(db);

        Assert.Equal("4", root[1]);
        Assert.Equal(total.GetProperty("weighted").GetString(), Decimal(root[4]));
    }

    [Fact]
    public void ByHierarchy_RatesTable_ConvertsEachDealAtItsCloseMonthsRate()
    {
        var db = Import("dated", "D1,P001,Proposal,1000.00,USD,2026-11-30\nD2,P001,Proposal,1000.00,USD,2026-12-31\nD3,P002,Proposal,800.00,EUR,2026-12-31\n");
        var table = Path.Combine(_folder.FullName, "rates.csv");
        File.WriteAllText(table, "currency,effective_date,rate\nUSD,2026-11,0.5\nUSD,2026-12-01,0.8\n");

        var root = Root(Run("forecast", "--db", db, "--by", "hierarchy", "--currency", "EUR", "--rates", table).Output);
        var total = Total(db, "--currency", "EUR", "--rates", table);

        Assert.Equal("2,100.00", root[3]); // best case: 500 + 800 + 800, as --by stage converts
        Assert.Equal(total.GetProperty("weighted").GetString(), Decimal(root[4]));
    }

    [Fact]
    public void ByHierarchy_RatesTableWithoutTheCloseMonth_FailsLikeTheOtherGroupingsAndPrintsNothing()
    {
        var db = Import("later", "L1,P001,Proposal,1000.00,USD,2026-12-31\nL2,P002,Proposal,800.00,EUR,2026-12-31\n");
        var table = Path.Combine(_folder.FullName, "later-rates.csv");
        File.WriteAllText(table, "currency,effective_date,rate\nUSD,2027-06,0.92\n");

        var (error, output) = RunFailing("forecast", "--db", db, "--by", "hierarchy", "--currency", "EUR", "--rates", table);
        var (stageError, _) = RunFailing("forecast", "--db", db, "--by", "stage", "--currency", "EUR", "--rates", table);

        Assert.Equal(stageError.Message, error.Message);
        Assert.Contains("2026-12-01", error.Message, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public void ByHierarchy_MissingRate_IsTheUsualHintWithNothingPrinted()
    {
        var db = Import("usd", "U1,P001,Proposal,1000.00,USD,2026-12-31\n");

        var (error, output) = RunFailing("forecast", "--db", db, "--by", "hierarchy", "--currency", "EUR");

        Assert.Empty(output);
        Assert.Contains("Pass rates into EUR for USD, e.g. --rates USD=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRate_SuggestsRatesForTheDataCurrenciesIntoTheReportingOne_WithoutADate()
    {
        var db = Import("gbp", "G1,P001,Proposal,1000.00,USD,2026-12-31\nG2,P002,Proposal,800.00,EUR,2026-12-31\n");

        var (error, _) = RunFailing("forecast", "--db", db, "--currency", "GBP");

        Assert.Contains("--rates EUR=1.10,USD=1.10 (units of GBP per unit)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("GBP=", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0001-01-01", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rates_SameCurrencyTwice_IsRefused()
    {
        var db = Import("twice", "T1,P001,Proposal,1000.00,USD,2026-12-31\nT2,P002,Proposal,800.00,EUR,2026-12-31\n");

        var (error, _) = RunFailing("forecast", "--db", db, "--currency", "EUR", "--rates", "USD=0.9,USD=0.8");

        Assert.Equal("--rates: USD is given twice; give one rate per currency", error.Message);
    }

    [Fact]
    public void Rates_TheReportingCurrencyAtAnotherRateThanOne_IsRefused()
    {
        var db = Import("self", "S1,P001,Proposal,1000.00,USD,2026-12-31\nS2,P002,Proposal,800.00,EUR,2026-12-31\n");

        var (error, _) = RunFailing("forecast", "--db", db, "--currency", "EUR", "--rates", "USD=0.5,EUR=1.1");
        var (code, _) = Run("forecast", "--db", db, "--currency", "EUR", "--rates", "USD=0.5,EUR=1");

        Assert.StartsWith("--rates: EUR=1.1 is a rate of the reporting currency EUR", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, code);
    }

    [Theory]
    [InlineData("stage")]
    [InlineData("hierarchy")]
    public void Text_LargeAmounts_KeepTheColumnsApart(string by)
    {
        var rows = string.Concat(Enumerable.Range(1, 12).Select(i => $"B{i},P001,Proposal,9223372036854.77,EUR,2026-12-31\n"));
        var db = Import("big-" + by, rows);

        var (code, text) = Run("forecast", "--db", db, "--by", by);

        Assert.Equal(0, code);
        var table = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var columns = by == "stage" ? 4 : 5;
        Assert.All(table, line => Assert.Equal(columns, line.Trim().Split("  ", StringSplitOptions.RemoveEmptyEntries).Length));
        Assert.Contains(table, line => line.Contains("110,680,464,442,257.24", StringComparison.Ordinal));
    }

    private static string[] Root(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static JsonElement Total(string db, params string[] options)
    {
        var (code, json) = Run(["forecast", "--db", db, "--format", "json", .. options]);
        Assert.Equal(0, code);
        return JsonDocument.Parse(json).RootElement.GetProperty("total").Clone();
    }

    // "1,234.50" → "1234.50", as JSON writes it.
    private static string Decimal(string text) =>
        decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture).ToString("0.00", CultureInfo.InvariantCulture);

    private string Import(string name, string rows)
    {
        var csv = Path.Combine(_folder.FullName, name + ".csv");
        File.WriteAllText(csv, Header + rows);
        var db = Path.Combine(_folder.FullName, name + ".db");
        var (code, _) = Run("import", csv, "--db", db);
        Assert.Equal(0, code);
        return db;
    }
}
