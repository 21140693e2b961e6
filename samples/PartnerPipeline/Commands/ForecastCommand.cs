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
        ["product"] = PipelineDimension.Product,
    };

    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.ExistingDatabase(arguments);
        var byName = arguments.Choice("by", "stage", [.. Groupings.Keys, "hierarchy"]);
        var format = arguments.Choice("format", "text", "text", "json");
        if (byName == "hierarchy" && format == "json")
        {
            throw new UsageException("--format json groups by one dimension; use --format text with --by hierarchy");
        }
        var currencies = CurrencyOptions.From(arguments);
        arguments.EnsureAllUsed(0);

        await using var services = SampleHost.Create(path, new NodaTime.Testing.FakeClock(QuarterSimulation.End));
        var snapshot = await PipelineSnapshot.FromStoreAsync(
            services.GetRequiredService<IOpportunityStore>(),
            AccessScope.Manufacturer(SampleNetwork.Tenant),
            new PipelineSnapshotOptions { Pipelines = services.GetRequiredService<PipelineCatalog>() });
        var currency = currencies.Resolve(snapshot.Currencies);
        if (byName == "hierarchy")
        {
            var partners = new List<Opportunity.Partners.Partner>();
            await foreach (var partner in services.GetRequiredService<IPartnerDirectory>().ListAsync(SampleNetwork.Tenant))
            {
                partners.Add(partner);
            }

            return WriteHierarchy(snapshot, ForecastHierarchy.Default(partners), currency, currencies, output);
        }

        PipelineReport report;
        try
        {
            report = snapshot.Report(PipelineGrouping.By(Groupings[byName]), currency, currencies.Rates(currency), currencies.Dating);
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

    // The open pipeline of every close date rolled up network → region → channel manager → distributor → partner.
    private static int WriteHierarchy(PipelineSnapshot snapshot, ForecastHierarchy tree, CurrencyCode currency, CurrencyOptions currencies, TextWriter output)
    {
        var everyDate = new ForecastPeriod(PeriodKind.FiscalYear, new NodaTime.LocalDate(2000, 1, 1), new NodaTime.LocalDate(2100, 1, 1), "all close dates");
        ForecastHierarchyRollup rollup;
        try
        {
            rollup = ForecastHierarchyRollup.Compute(snapshot, tree, everyDate, currency, rates: currencies.Rates(currency));
        }
        catch (ExchangeRateNotFoundException ex)
        {
            throw CurrencyOptions.MissingRate(ex, currency);
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"Open pipeline by hierarchy node: region → channel manager → distributor → partner ({currency.Code})");
        output.WriteLine($"  {"Node",-44}{"Count",8}{"Commit",18}{"Best case",18}{"Weighted",18}");
        void Write(string path, int depth)
        {
            var node = rollup[path];
            var label = new string(' ', 2 * depth) + (depth == 0 ? node.Key : $"{node.Level} {node.Key}");
            output.WriteLine(string.Create(c, $"  {label,-44}{node.Categories.Sum(l => l.Count),8:N0}{node.CommitForecast.Amount,18:N2}{node.BestCaseForecast.Amount,18:N2}{node.OpenWeighted.Amount,18:N2}"));
            foreach (var child in node.Children.Order(StringComparer.Ordinal))
            {
                Write(child, depth + 1);
            }
        }

        Write(rollup.Root, 0);
        return 0;
    }
}
