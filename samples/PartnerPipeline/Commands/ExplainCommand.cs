using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;
using Opportunity;
using Opportunity.Workflows;
using PartnerPipeline.Cli;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>Prints the routing traces of one lead from the database.</summary>
internal static class ExplainCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.ExistingDatabase(arguments);
        arguments.EnsureAllUsed(1);
        var text = arguments.Positional.Count == 1 ? arguments.Positional[0] : throw new UsageException("explain needs a lead id, e.g. 'explain L00042'");
        LeadId lead;
        try
        {
            lead = new LeadId(text);
        }
        catch (InvalidTextException ex)
        {
            throw new UsageException($"'{text}' is not a lead id: {ex.Message}");
        }

        await using var services = SampleHost.Create(path, new FakeClock(QuarterSimulation.End));
        var records = await services.GetRequiredService<LeadRouter>().ExplainAsync(SampleNetwork.Tenant, lead);
        if (records.Count == 0)
        {
            throw new UsageException($"no routing decision recorded for lead '{lead}'");
        }

        foreach (var record in records)
        {
            output.WriteLine(record.Explanation);
            output.WriteLine();
        }

        return 0;
    }
}
