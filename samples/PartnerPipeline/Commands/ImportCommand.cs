using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;
using Opportunity.Import;
using Opportunity.Persistence;
using PartnerPipeline.Cli;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>Imports opportunities from a CSV file into the database (created when missing): the whole file in one transaction, or nothing.</summary>
internal static class ImportCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.DatabasePath(arguments);
        var skipBadRows = arguments.Flag("skip-bad-rows");
        arguments.EnsureAllUsed(1);
        var file = arguments.Positional.Count == 1 ? arguments.Positional[0] : throw new UsageException("import needs a CSV file, e.g. 'import opportunities.csv'");
        if (!File.Exists(file))
        {
            throw new UsageException($"no file '{file}'");
        }

        await using var services = SampleHost.Create(path, new FakeClock(QuarterSimulation.End));
        using var reader = new StreamReader(file);
        var result = await OpportunityCsvImporter.ImportAsync(
            reader,
            services.GetRequiredService<IOpportunityImporter>(),
            services.GetRequiredService<IPartnerDirectory>(),
            new OpportunityCsvOptions(SampleNetwork.Tenant) { SkipBadRows = skipBadRows },
            services.GetRequiredService<NodaTime.IClock>());
        if (!result.IsValid)
        {
            var first = result.Errors[0];
            var more = result.Errors.Count > 1 ? $" (and {result.Errors.Count - 1} more; nothing was imported; --skip-bad-rows imports the good rows)" : " (nothing was imported)";
            throw new UsageException($"{file}: {first.Location}: {first.Message}{more}");
        }

        var import = result.Value;
        output.WriteLine($"Imported {import.Imported:N0} of {import.RecordsRead:N0} rows into {path}; new partners: {import.NewPartners.Count}, new regions: {import.NewRegions.Count}, skipped rows: {import.SkippedRows.Count}.");
        foreach (var skipped in import.SkippedRows.Take(10))
        {
            output.WriteLine($"  skipped {skipped.Location}: {skipped.Message}");
        }

        return 0;
    }
}
