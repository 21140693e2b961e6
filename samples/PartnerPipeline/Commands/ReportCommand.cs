using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;
using Opportunity;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using PartnerPipeline.Cli;
using PartnerPipeline.Reports;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>Writes the report as one self-contained HTML file.</summary>
internal static class ReportCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.ExistingDatabase(arguments);
        var file = arguments.Option("html") ?? throw new UsageException("report needs --html <file>");
        var asOf = AsOf(arguments.Option("as-of"));
        var target = Target(arguments);
        var currencies = CurrencyOptions.From(arguments);
        arguments.EnsureAllUsed(0);
        var model = await BuildAsync(path, asOf, target, currencies);
        await File.WriteAllTextAsync(file, HtmlReport.Render(model));
        output.WriteLine($"Wrote {Path.GetFullPath(file)}");
        return 0;
    }

    /// <summary>
    /// The report of the database as of an instant (the end of the simulated quarter by default), in
    /// the data's currency unless <paramref name="currencies"/> says otherwise. A
    /// <paramref name="target"/> (in the reporting currency) becomes the quarter's network target,
    /// kept in the database; without one the stored target is used, else
    /// <see cref="ReportBuilder.DefaultQuarterTarget"/>. The quarter's forecast is recorded as a
    /// snapshot of the as-of date (a second report that day replaces it).
    /// </summary>
    public static async Task<ReportModel> BuildAsync(string databasePath, Instant asOf, decimal? target, CurrencyOptions? currencies = null)
    {
        await using var services = SampleHost.Create(databasePath, new FakeClock(asOf));
        return await ReportBuilder.BuildAsync(
            SampleNetwork.Tenant,
            services.GetRequiredService<ILeadStore>(),
            services.GetRequiredService<IOpportunityStore>(),
            services.GetRequiredService<IPartnerDirectory>(),
            services.GetRequiredService<IOutboxStore>(),
            services.GetRequiredService<PipelineCatalog>(),
            services.GetRequiredService<IForecastSnapshotStore>(),
            services.GetRequiredService<ISalesTargetStore>(),
            asOf,
            target,
            currencies ?? new CurrencyOptions(null, null),
            seed: 42);
    }

    /// <summary>--target: the coming quarter's target in whole units of the reporting currency; null when not given.</summary>
    public static decimal? Target(Arguments arguments) =>
        arguments.Option("target") is null ? null : arguments.IntOption("target", 0, 1, int.MaxValue);

    private static Instant AsOf(string? text)
    {
        if (text is null)
        {
            return QuarterSimulation.End;
        }

        var parsed = LocalDatePattern.Iso.Parse(text);
        return parsed.Success
            ? parsed.Value.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant()
            : throw new UsageException($"--as-of must be a date like 2026-10-01, got '{text}'");
    }
}
