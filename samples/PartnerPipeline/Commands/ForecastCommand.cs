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
            throw currencies.MissingRate(ex, currency, snapshot.Currencies);
        }

        if (format == "json")
        {
            output.WriteLine(PipelineReportJson.ToJson(report, indented: true));
            return 0;
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"Open pipeline by {arguments.Option("by") ?? "stage"} ({report.Currency.Code})");
        TextTable.Write(
            output,
            ["Key", "Count", "Amount", "Weighted"],
            [
                .. report.Groups.Select(line => new[] { line.Key, line.Count.ToString("N0", c), line.Amount.Amount.ToString("N2", c), line.Weighted.Amount.ToString("N2", c) }),
                new[] { "Total", report.Total.Count.ToString("N0", c), report.Total.Amount.Amount.ToString("N2", c), report.Total.Weighted.Amount.ToString("N2", c) },
            ]);
        return 0;
    }

    // The open pipeline of every close date rolled up network → region → channel manager → distributor → partner.
    // Every row is computed (and every rate looked up) before anything is printed: a missing rate is the
    // usual one-line usage error, not half a table.
    private static int WriteHierarchy(PipelineSnapshot snapshot, ForecastHierarchy tree, CurrencyCode currency, CurrencyOptions currencies, TextWriter output)
    {
        List<string[]> rows;
        try
        {
            rows = HierarchyRows(snapshot, tree, currency, currencies);
        }
        catch (ExchangeRateNotFoundException ex)
        {
            throw currencies.MissingRate(ex, currency, snapshot.Currencies);
        }

        output.WriteLine($"Open pipeline by hierarchy node: region → channel manager → distributor → partner ({currency.Code})");
        TextTable.Write(output, ["Node", "Count", "Commit", "Best case", "Weighted"], rows);
        return 0;
    }

    private static List<string[]> HierarchyRows(PipelineSnapshot snapshot, ForecastHierarchy tree, CurrencyCode currency, CurrencyOptions currencies)
    {
        var rates = currencies.Rates(currency);
        var months = CloseMonths(snapshot);

        // The roll-up converts at one date. With a dated table each close month is rolled up on its own at
        // that month's rate (as the other groupings convert each deal; a node's figure is then rounded once
        // per month, not once overall); otherwise one roll-up over a period spanning every close date (no
        // fixed window that would drop a deal closing in 1999 or 2100).
        var dated = currencies.Dating == ExchangeRateDating.CloseMonth && snapshot.Currencies.Any(c => c != currency);
        List<ForecastHierarchyRollup> parts = months.Count == 0
            ? [ForecastHierarchyRollup.Compute(snapshot, tree, new ForecastPeriod(PeriodKind.FiscalYear, new NodaTime.LocalDate(2000, 1, 1), new NodaTime.LocalDate(2001, 1, 1), "all close dates"), currency, rates: rates)]
            : dated
                ? [.. months.Select(month => ForecastHierarchyRollup.Compute(snapshot, tree, month, currency, rates: rates, asOf: month.Start))]
                : [ForecastHierarchyRollup.Compute(snapshot, tree, new ForecastPeriod(PeriodKind.FiscalYear, months[0].Start, months[^1].End, "all close dates"), currency, rates: rates)];

        var c = CultureInfo.InvariantCulture;
        var rows = new List<string[]>();
        void Add(string path, int depth)
        {
            var nodes = parts.Where(p => p.Contains(path)).Select(p => p[path]).ToList();
            var node = nodes[0];
            var label = new string(' ', 2 * depth) + (depth == 0 ? node.Key : $"{node.Level} {node.Key}");
            rows.Add(
            [
                label,
                nodes.Sum(n => n.Categories.Sum(l => l.Count)).ToString("N0", c),
                nodes.Sum(n => n.CommitForecast.Amount).ToString("N2", c),
                nodes.Sum(n => n.BestCaseForecast.Amount).ToString("N2", c),
                nodes.Sum(n => n.OpenWeighted.Amount).ToString("N2", c),
            ]);
            foreach (var child in nodes.SelectMany(n => n.Children).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                Add(child, depth + 1);
            }
        }

        Add(parts[0].Root, 0);
        return rows;
    }

    // The close months of the open deals, in order ("2026-12" → that month).
    private static List<ForecastPeriod> CloseMonths(PipelineSnapshot snapshot)
    {
        using var byMonth = snapshot.Group(PipelineDimension.CloseMonth);
        return [.. byMonth.Groups
            .Select(g => g.First!)
            .Distinct(StringComparer.Ordinal)
            .Select(label => FiscalCalendar.CalendarYear.Month(
                int.Parse(label[..label.LastIndexOf('-')], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                int.Parse(label[(label.LastIndexOf('-') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture)))
            .OrderBy(p => p.Start)];
    }
}
