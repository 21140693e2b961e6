using Opportunity;
using Opportunity.Forecasting;
using Opportunity.Persistence.Sqlite;
using PartnerPipeline.Cli;
using PartnerPipeline.Commands;
using PartnerPipeline.Reports;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Tests;

/// <summary>The report keeps the quarter's target and records its forecast in the sample's SQLite file.</summary>
public sealed class ReportTargetTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("partner-pipeline-target-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task BuildAsync_TargetGivenOnce_KeptForLaterReportsAndEachReportRecordsASnapshot()
    {
        var path = Path.Combine(_folder.FullName, "sample.db");
        var (code, _) = SampleCommandTests.Run("run", "--db", path, "--partners", "20", "--leads", "40");
        Assert.Equal(0, code);

        var withDefault = await ReportCommand.BuildAsync(path, QuarterSimulation.End, null);
        var withGiven = await ReportCommand.BuildAsync(path, QuarterSimulation.End, 123_456m);
        var later = await ReportCommand.BuildAsync(path, QuarterSimulation.End + NodaTime.Duration.FromDays(1), null);

        Assert.Equal(ReportBuilder.DefaultQuarterTarget, withDefault.Forecast.Target);
        Assert.Equal(123_456m, withGiven.Forecast.Target);
        Assert.Equal(123_456m, later.Forecast.Target);
        using var store = new SqliteStore(path);
        var quarter = ReportBuilder.QuarterOf(QuarterSimulation.End);
        Assert.Equal(new SalesTarget(quarter, new Money(123_456m, CurrencyCode.EUR)), await store.Targets.FindTargetAsync(SampleNetwork.Tenant, quarter));
        var recorded = await store.ForecastSnapshots.ListAsync(SampleNetwork.Tenant, quarter);
        Assert.Equal([QuarterSimulation.End.InUtc().Date, QuarterSimulation.End.InUtc().Date.PlusDays(1)], recorded.Select(s => s.TakenOn));
        Assert.Equal(later.Forecast.Expected, recorded[1].Expected.Amount);
    }

    [Fact]
    public async Task Report_TargetInACurrencyWithoutRates_FailsAndWritesNothing()
    {
        var path = Path.Combine(_folder.FullName, "failed.db");
        Assert.Equal(0, SampleCommandTests.Run("run", "--db", path, "--partners", "20", "--leads", "40").ExitCode);
        var quarter = ReportBuilder.QuarterOf(QuarterSimulation.End);
        var (error, _) = SampleCommandTests.RunFailing("report", "--html", Path.Combine(_folder.FullName, "r.html"), "--db", path, "--target", "1000", "--currency", "USD");
        var (code, _) = SampleCommandTests.Run("report", "--html", Path.Combine(_folder.FullName, "r.html"), "--db", path);

        Assert.Contains("no exchange rate from EUR to USD", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, code); // the failed report left no USD target behind
        using var store = new SqliteStore(path);
        Assert.Null(await store.Targets.FindTargetAsync(SampleNetwork.Tenant, quarter));
    }

    [Fact]
    public async Task Report_ScorecardWithoutARate_FailsAndRecordsNoSnapshot()
    {
        // The dated table has the open deal's close month but not the as-of date, at which the
        // scorecard converts won amounts: the report fails after its forecast is computed.
        var csv = Path.Combine(_folder.FullName, "won.csv");
        File.WriteAllText(csv, "id,partner,stage,amount,currency,expected_close,closed_at\nO1,P001,Proposal,100,USD,2026-12-31,\nO2,P002,Proposal,100,EUR,2026-12-31,\nW1,P001,Closed won,100,USD,,2026-09-01\n");
        var path = Path.Combine(_folder.FullName, "won.db");
        Assert.Equal(0, SampleCommandTests.Run("import", csv, "--db", path).ExitCode);
        var table = Path.Combine(_folder.FullName, "rates.csv");
        File.WriteAllText(table, "currency,effective_date,rate\nUSD,2026-12,0.5\n");

        var (error, _) = SampleCommandTests.RunFailing("report", "--html", Path.Combine(_folder.FullName, "won.html"), "--db", path, "--currency", "EUR", "--rates", table, "--target", "1000");

        Assert.Contains("no exchange rate from USD to EUR on 2026-10-01", error.Message, StringComparison.OrdinalIgnoreCase);
        using var store = new SqliteStore(path);
        var quarter = ReportBuilder.QuarterOf(QuarterSimulation.End);
        Assert.Empty(await store.ForecastSnapshots.ListAsync(SampleNetwork.Tenant, quarter));
        Assert.Null(await store.Targets.FindTargetAsync(SampleNetwork.Tenant, quarter));
    }

    [Fact]
    public async Task Report_DistributorRollup_ConvertsOtherCurrenciesIntoOneLinePerDistributor()
    {
        var path = Path.Combine(_folder.FullName, "rollup.db");
        Assert.Equal(0, SampleCommandTests.Run("run", "--db", path, "--partners", "40", "--leads", "40").ExitCode);
        var before = Rollup(await ReportCommand.BuildAsync(path, QuarterSimulation.End, null));
        var distributor = before.Keys.First();
        var id = distributor.Split(' ')[1];
        var csv = Path.Combine(_folder.FullName, "usd.csv");
        File.WriteAllText(csv, $"id,partner,stage,amount,currency,probability\nU1,{id},Proposal,1000000,USD,0.4\n");
        Assert.Equal(0, SampleCommandTests.Run("import", csv, "--db", path).ExitCode);

        var after = Rollup(await ReportCommand.BuildAsync(path, QuarterSimulation.End, null, new CurrencyOptions(CurrencyCode.EUR, "USD=0.5")));

        Assert.Equal(before.Keys, after.Keys); // one line per distributor, not one per currency
        Assert.Equal(before[distributor] + 200_000m, after[distributor]); // 1,000,000 USD × 0.4 × 0.5
    }

    private static Dictionary<string, decimal> Rollup(ReportModel model) =>
        model.Statistics
            .Where(s => s.Key.StartsWith("Distributor ", StringComparison.Ordinal))
            .GroupBy(s => s.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => decimal.Parse(s.Value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture)), StringComparer.Ordinal);
}
