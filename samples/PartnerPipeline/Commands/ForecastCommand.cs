using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Opportunity;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using PartnerPipeline.Cli;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>The weighted pipeline of the open opportunities, grouped, as text or JSON with exact decimal strings.</summary>
internal static class ForecastCommand
{
    private static readonly Dictionary<string, PipelineDimension> Groupings = new(StringComparer.Ordinal)
    {
        ["partner"] = PipelineDimension.Partner,
        ["stage"] = PipelineDimension.Stage,
        ["quarter"] = PipelineDimension.CloseQuarter,
        ["category"] = PipelineDimension.ForecastCategory,
        ["region"] = PipelineDimension.Region,
        ["product_line"] = PipelineDimension.ProductLine,
    };

    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.ExistingDatabase(arguments);
        var by = Groupings[arguments.Choice("by", "stage", [.. Groupings.Keys])];
        var format = arguments.Choice("format", "text", "text", "json");
        var currencies = CurrencyOptions.From(arguments);
        arguments.EnsureAllUsed(0);

        await using var services = SampleHost.Create(path, new NodaTime.Testing.FakeClock(QuarterSimulation.End));
        var snapshot = await PipelineSnapshot.FromStoreAsync(
            services.GetRequiredService<IOpportunityStore>(),
            AccessScope.Manufacturer(SampleNetwork.Tenant),
            new PipelineSnapshotOptions { Pipelines = services.GetRequiredService<PipelineCatalog>() });
        var currency = currencies.Resolve(snapshot.Currencies);
        PipelineReport report;
        try
        {
            report = snapshot.Report(PipelineGrouping.By(by), currency, currencies.Rates(currency), currencies.Dating);
        }
        catch (ExchangeRateNotFoundException ex)
        {
            throw CurrencyOptions.MissingRate(ex, currency);
        }

        if (format == "json")
        {
            output.WriteLine(PipelineReportJson.ToJson(report, indented: true));
            return 0;
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"Open pipeline by {arguments.Option("by") ?? "stage"} ({report.Currency.Code})");
        output.WriteLine($"  {"Key",-24}{"Count",8}{"Amount",20}{"Weighted",20}");
        foreach (var line in report.Groups)
        {
            output.WriteLine(string.Create(c, $"  {line.Key,-24}{line.Count,8:N0}{line.Amount.Amount,20:N2}{line.Weighted.Amount,20:N2}"));
        }

        output.WriteLine(string.Create(c, $"  {"Total",-24}{report.Total.Count,8:N0}{report.Total.Amount.Amount,20:N2}{report.Total.Weighted.Amount,20:N2}"));
        return 0;
    }
}
