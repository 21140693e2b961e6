using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Testing.Conformance;

/// <summary>The managed workflow of one simulated host over one store instance, wired as <c>AddLeadDistribution</c> does (without a container).</summary>
internal sealed record ConformanceWorkflow(LeadDistributionService Distribution, DueWorkProcessor Processor)
{
    public static ConformanceWorkflow For(StoreUnderTest store, IClock clock, string host, PipelineCatalog pipelines, LeadDistributionOptions? options = null)
    {
        var distribution = Options.Create(options ?? new LeadDistributionOptions());
        var management = Options.Create(new OpportunityManagementOptions { HostId = host, ClaimBatchSize = 10 });
        var loads = new LeadStorePartnerLoadProvider(store.Leads, clock, distribution);
        var service = new LeadDistributionService(
            store.Leads,
            store.Opportunities,
            store.Partners,
            new OptionsRoutingRuleSetProvider(distribution),
            new DirectoryRoutingNetworkProvider(store.Partners, clock, distribution),
            loads,
            new NoPartnerPerformanceProvider(),
            store.DecisionLog ?? new InMemoryRoutingDecisionLog(),
            pipelines,
            clock,
            distribution,
            management);
        return new(service, new DueWorkProcessor(store.Leads, store.Opportunities, store.Partners, service, loads, distribution, management));
    }
}
