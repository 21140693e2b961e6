using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Testing.Conformance;

/// <summary>The managed workflow of one simulated host over one store instance, wired as <c>AddLeadDistribution</c> does (without a container).</summary>
internal sealed record ConformanceWorkflow(LeadIntakeService Intake, DueWorkProcessor Processor)
{
    public static ConformanceWorkflow For(StoreUnderTest store, IClock clock, string host, PipelineCatalog pipelines, LeadDistributionOptions? options = null)
    {
        var distribution = Options.Create(options ?? new LeadDistributionOptions());
        var management = Options.Create(new OpportunityManagementOptions { HostId = host, ClaimBatchSize = 10 });
        var loads = new LeadStorePartnerLoadProvider(store.Leads, clock, distribution);
        var router = new LeadRouter(
            store.Leads,
            new OptionsRoutingRuleSetProvider(distribution),
            new DirectoryRoutingNetworkProvider(store.Partners, clock, distribution),
            loads,
            new NoPartnerPerformanceProvider(),
            store.DecisionLog ?? new InMemoryStore(pipelines, clock),
            clock,
            distribution,
            management);
        var intake = new LeadIntakeService(store.Leads, store.Opportunities, store.Partners, loads, router, clock, distribution);
        return new(intake, new DueWorkProcessor(store.Leads, store.Opportunities, store.Partners, router, loads, distribution, management));
    }
}
