using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;
using Opportunity.Persistence;
using Opportunity.Workflows;
using PartnerPipeline.Cli;
using PartnerPipeline.Reports;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>The main job: simulate a quarter into a fresh SQLite database, then print the report.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.DatabasePath(arguments);
        var seed = arguments.IntOption("seed", 20260701, 0, int.MaxValue);
        var partners = arguments.IntOption("partners", 300, 10, 5_000);
        var leads = arguments.IntOption("leads", 3_000, 10, 100_000);
        var target = ReportCommand.Target(arguments);
        arguments.EnsureAllUsed(0);

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        output.WriteLine($"Simulating Q3 2026: {partners} partners, {leads:N0} leads, seed {seed} → {path}");
        var clock = new FakeClock(QuarterSimulation.Start);
        await using (var services = SampleHost.Create(path, clock))
        {
            var simulation = new QuarterSimulation(
                services.GetRequiredService<LeadIntakeService>(),
                services.GetRequiredService<PartnerLeadService>(),
                services.GetRequiredService<PartnerOpportunityService>(),
                services.GetRequiredService<DealRegistrationService>(),
                services.GetRequiredService<LeadRouter>(),
                services.GetRequiredService<LeadRecyclingService>(),
                services.GetRequiredService<DueWorkProcessor>(),
                services.GetRequiredService<IOpportunityStore>(),
                services.GetRequiredService<IPartnerDirectory>(),
                clock,
                new Random(seed),
                new Random(seed + 1),
                new Random(seed + 2),
                new ConsoleProgress(output, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected));
            await simulation.RunAsync(partners, leads);
            output.WriteLine();
            foreach (var (key, value) in simulation.Statistics.AsRows())
            {
                output.WriteLine($"  {key,-45}{value,10}");
            }
        }

        ConsoleReport.Write(await ReportCommand.BuildAsync(path, QuarterSimulation.End, target), output);
        output.WriteLine();
        output.WriteLine("Next: 'forecast --by partner', 'forecast --format json', 'explain L00042', 'report --html report.html' (add --help to any).");
        return 0;
    }
}
