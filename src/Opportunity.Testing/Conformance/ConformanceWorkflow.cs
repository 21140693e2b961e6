using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Testing.Conformance;

/// <summary>The managed workflow of one simulated host over one store instance, wired as <c>AddLeadDistribution</c> does (without a container).</summary>
internal sealed record ConformanceWorkflow(LeadIntakeService Intake, DealRegistrationService Registrations, DueWorkProcessor Processor)
{
    public static ConformanceWorkflow For(StoreUnderTest store, IClock clock, string host, PipelineCatalog pipelines, LeadDistributionOptions? options = null)
    {
        var distribution = Options.Create(options ?? new LeadDistributionOptions());
        var management = Options.Create(new OpportunityManagementOptions { HostId = host, ClaimBatchSize = 10 });
        var loads = new LeadStorePartnerLoadProvider(store.Leads, clock, distribution);
        var networks = new DirectoryRoutingNetworkProvider(store.Partners, clock, distribution);
        var router = new LeadRouter(
            store.Leads,
            new OptionsRoutingRuleSetProvider(distribution),
            networks,
            loads,
            new NoPartnerPerformanceProvider(),
            store.DecisionLog ?? new InMemoryStore(pipelines, clock),
            clock,
            distribution,
            management);
        var intake = new LeadIntakeService(store.Leads, store.Opportunities, store.Partners, loads, router, clock, distribution);
        var registrations = new DealRegistrationService(store.Leads, store.Opportunities, store.Partners, loads, clock, distribution);
        return new(intake, registrations, new DueWorkProcessor(store.Leads, store.Opportunities, store.Partners, router, loads, distribution, management))
        {
            Recycling = new LeadRecyclingService(store.Leads, store.Opportunities, store.Partners, networks, router, clock, distribution),
        };
    }

    /// <summary>Recycling and the queue's re-routing.</summary>
    public LeadRecyclingService Recycling { get; init; } = null!;
}
