using Opportunity;
using Opportunity.Forecasting;
using Opportunity.Persistence.Sqlite;
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
}
