using Microsoft.Extensions.DependencyInjection;
using NodaTime.Testing;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Workflows;
using PartnerPipeline.Cli;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>Replays the database's routing history through a draft rule set file and prints what would change.</summary>
internal static class ReplayCommand
{
    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.ExistingDatabase(arguments);
        var rules = arguments.Option("rules") ?? throw new UsageException("replay needs a draft, e.g. 'replay --rules draft.json'");
        arguments.EnsureAllUsed(0);
        string json;
        try
        {
            json = await File.ReadAllTextAsync(rules);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{rules}': {ex.Message}");
        }

        var draft = RoutingRuleSets.FromJson(json);
        if (!draft.IsValid)
        {
            throw new UsageException($"'{rules}': {string.Join("; ", draft.Errors)}");
        }

        await using var services = SampleHost.Create(path, new FakeClock(QuarterSimulation.End));
        var report = await RoutingHistoryReplay.RunAsync(
            SampleNetwork.Tenant, draft.Value, services.GetRequiredService<ILeadStore>(), services.GetRequiredService<IRoutingDecisionLog>(), services.GetRequiredService<IPartnerDirectory>());
        output.Write(report.Format(maxLeads: 20));
        return 0;
    }
}
