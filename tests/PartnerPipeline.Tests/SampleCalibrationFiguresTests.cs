using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;
using Opportunity;
using Opportunity.Core.Tests.Forecasting.Calibration;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using PartnerPipeline.Simulation;
using Xunit.Abstractions;

namespace PartnerPipeline.Tests;

/// <summary>
/// The figures of docs/forecasting.md "Which probabilities, measured": the sample's default quarter
/// (300 partners, 3,000 leads, the default seed), its closed deals split by close time, the three
/// models under both stage countings. Prints the tables and fails when the docs differ.
/// </summary>
public sealed class SampleCalibrationFiguresTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CompareModels_SampleQuarter_MatchesTheFiguresInTheDocs()
    {
        var folder = Directory.CreateTempSubdirectory("calibration-figures-");
        try
        {
            var path = Path.Combine(folder.FullName, "sample.db");
            var (code, _) = SampleCommandTests.Run("run", "--db", path);
            Assert.Equal(0, code);
            var deals = await LoadHistoriesAsync(path);

            var entered = ProbabilityCalibration.CompareModels(deals, PipelineDefinition.Default);
            var reached = ProbabilityCalibration.CompareModels(deals, PipelineDefinition.Default, new FeatureModelOptions { Counting = StageCounting.Reached });
            var figures = CalibrationMarkdown.Render(entered, reached);
            output.WriteLine(figures);

            Assert.True(entered.EvaluationDeals > 100, $"{entered.EvaluationDeals} closed deals scored");
            Assert.Equal(figures, DocsFigures.Block("sample"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Every opportunity of the sample database as history, with the source of the lead it came from.</summary>
    private static async Task<List<OpportunityHistory>> LoadHistoriesAsync(string path)
    {
        await using var services = SampleHost.Create(path, new FakeClock(QuarterSimulation.End));
        var opportunities = services.GetRequiredService<IOpportunityStore>();
        var leads = services.GetRequiredService<ILeadStore>();
        var scope = AccessScope.Manufacturer(SampleNetwork.Tenant);
        var histories = new List<OpportunityHistory>();
        await foreach (var deal in opportunities.QueryAsync(scope, OpportunityQuery.All))
        {
            var lead = deal.SourceLead is { } id ? await leads.FindAsync(scope, id) : null;
            histories.Add(OpportunityHistory.From(deal) with { LeadSource = lead?.Details.Source });
        }

        return histories;
    }
}
