using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;
using Opportunity;
using Opportunity.Import;
using Opportunity.Persistence;
using PartnerPipeline.Cli;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>Writes every opportunity of the database, open and closed with its history, as CSV that <c>import</c> reads.</summary>
internal static class ExportCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.ExistingDatabase(arguments);
        arguments.EnsureAllUsed(1);
        var file = arguments.Positional.Count == 1 ? arguments.Positional[0] : throw new UsageException("export needs a CSV file to write, e.g. 'export opportunities.csv'");

        await using var services = SampleHost.Create(path, new FakeClock(QuarterSimulation.End));
        var names = new Dictionary<PartnerId, string>();
        await foreach (var partner in services.GetRequiredService<IPartnerDirectory>().ListAsync(SampleNetwork.Tenant))
        {
            names[partner.Id] = partner.Name;
        }

        int count;
        await using (var writer = new StreamWriter(file))
        {
            count = await OpportunityCsvExporter.WriteAsync(writer, services.GetRequiredService<IOpportunityStore>().QueryAsync(AccessScope.Manufacturer(SampleNetwork.Tenant), OpportunityQuery.All), names);
        }

        output.WriteLine($"Exported {count:N0} opportunities from {path} to {Path.GetFullPath(file)}.");
        return 0;
    }
}
