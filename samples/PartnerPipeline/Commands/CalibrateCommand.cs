using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;
using Opportunity;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using PartnerPipeline.Cli;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>
/// The time-split evaluation of the stage probabilities on the database's closed deals: learned on
/// the deals that closed first, scored (with the pipeline's defaults) on the deals that closed last.
/// </summary>
internal static class CalibrateCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.ExistingDatabase(arguments);
        var holdout = HoldoutShare(arguments.Option("holdout"));
        var bins = arguments.IntOption("bins", 10, 1, 100);
        arguments.EnsureAllUsed(0);

        await using var services = SampleHost.Create(path, new FakeClock(QuarterSimulation.End));
        var pipeline = PipelineDefinition.Default;
        var histories = new List<OpportunityHistory>();
        await foreach (var opportunity in services.GetRequiredService<IOpportunityStore>().QueryAsync(AccessScope.Manufacturer(SampleNetwork.Tenant), OpportunityQuery.All))
        {
            histories.Add(OpportunityHistory.From(opportunity));
        }

        var closed = histories.Count(h => h.Pipeline.Id == pipeline.Id && h.Outcome != StageKind.Open);
        if (closed < 2)
        {
            throw new UsageException($"calibrate needs closed deals to learn from and to score, found {closed} in '{path}' (import closed deals with closed_at and stage_history)");
        }

        var comparison = ProbabilityCalibration.Compare(histories, pipeline, holdoutShare: holdout, bins: bins);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"Time split of {closed:N0} closed deals: learned on the {comparison.TrainingDeals:N0} that closed first, scored on the {comparison.EvaluationDeals:N0} that closed last"));
        output.WriteLine($"  {"Model",-10}{"Predictions",12}{"Brier",10}{"Base rate",11}{"Skill",9}");
        foreach (var report in new[] { comparison.Defaults, comparison.Learned })
        {
            output.WriteLine(string.Create(c, $"  {report.Name,-10}{report.Predictions,12:N0}{Number(report.Brier, "0.0000"),10}{Number(report.BaseRate, "0.0%"),11}{Number(report.BrierSkill, "0.000"),9}"));
        }

        output.WriteLine($"  better: {comparison.Better.Name}");
        output.WriteLine();
        output.WriteLine("Stage probabilities learned on the training deals (network rate; each partner's own rate is shrunk toward it)");
        output.WriteLine($"  {"Stage",-18}{"Default",9}{"Network",9}{"Won",7}{"Reached",9}{"Partners",10}");
        foreach (var stage in comparison.Model.Stages)
        {
            output.WriteLine(string.Create(c, $"  {stage.Stage,-18}{stage.Default.ToString(),9}{comparison.Model.For(stage.Stage).ToString(),9}{stage.Network.Successes,7:N0}{stage.Network.Trials,9:N0}{stage.Segments.Count,10:N0}"));
        }

        output.WriteLine();
        output.WriteLine("Reliability on the scored deals (predicted → observed win rate, predictions)");
        output.WriteLine($"  {"Bin",-11}{"defaults",24}{"learned",24}");
        for (var b = 0; b < bins; b++)
        {
            var (d, l) = (comparison.Defaults.Reliability[b], comparison.Learned.Reliability[b]);
            output.WriteLine(string.Create(c, $"  {d.Lower,4:0.00}–{d.Upper,4:0.00} {Bin(d),24}{Bin(l),24}"));
        }

        return 0;
    }

    private static double HoldoutShare(string? text)
    {
        if (text is null)
        {
            return 0.3;
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var share) && share is > 0 and < 1
            ? share
            : throw new UsageException($"--holdout must be a share between 0 and 1 (exclusive), e.g. 0.3, got '{text}'");
    }

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";

    private static string Bin(ReliabilityBin bin) =>
        bin.Count == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{bin.MeanPredicted:0.000} → {bin.ObservedWinRate:0.000} ({bin.Count:N0})");
}
