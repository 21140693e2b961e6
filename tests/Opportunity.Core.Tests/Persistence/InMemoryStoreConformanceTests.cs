using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Opportunity.Testing.Conformance;
using Opportunity.Workflows;

namespace Opportunity.Core.Tests.Persistence;

/// <summary>The reference model runs the same conformance suite as every adapter, every port (the routing decision log included) on one object.</summary>
public sealed class InMemoryStoreConformanceTests : StoreConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoreAsync(PipelineCatalog pipelines)
    {
        var store = new InMemoryStore(pipelines);
        return Task.FromResult(new StoreUnderTest(store, store, store, store)
        {
            Importer = store,
            PipelineRows = store,
            ForecastSnapshots = store,
            Targets = store,
            ForecastAdjustments = store,
            ForecastSnapshotRuns = store,
            ChangeFeed = store,
            DecisionLog = store,
            FieldHistory = store,
            Eraser = store,
            Merges = store,
            Conversions = store,
            Schema = store,
            ReadStoredBytes = () => Task.FromResult(ObjectGraphText.Collect(store)),
            Quarantine = store,
            CorruptLead = (tenant, id) =>
            {
                store.CorruptLead(tenant, id);
                return Task.CompletedTask;
            },
        });
    }
}
