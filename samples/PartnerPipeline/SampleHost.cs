using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity;
using Opportunity.Persistence.Sqlite;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace PartnerPipeline;

/// <summary>The library wired the way a CRM would: DI, the SQLite store, lead distribution with the sample's JSON rules.</summary>
internal static class SampleHost
{
    public static ServiceProvider Create(string databasePath, IClock clock)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddOpportunityManagement(o =>
            {
                o.HostId = "partner-pipeline-sample";
                o.RandomSeed = 7;
            })
            .UseSqlite(o =>
            {
                o.DatabasePath = databasePath;
                o.DurableCommits = false; // a simulation: trade fsync per commit for speed
            })
            .AddLeadDistribution(o =>
            {
                o.RuleSet = LoadRules();
                // One host: the in-process load table is exact; a daily recount from the store only
                // guards against drift (several hosts would use minutes).
                o.LoadRefreshInterval = Duration.FromDays(1);
            });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>The routing rules shipped with the sample (routing-rules.json, embedded).</summary>
    public static RoutingRuleSet LoadRules()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("PartnerPipeline.routing-rules.json")
            ?? throw new InvalidOperationException("routing-rules.json is not embedded.");
        using var reader = new StreamReader(stream);
        return RoutingRuleSet.FromJson(reader.ReadToEnd()).Value;
    }
}
