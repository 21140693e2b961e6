using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Opportunity.Testing.Conformance;

namespace Opportunity.Core.Tests.Persistence;

/// <summary>The reference model runs the same conformance suite as every adapter.</summary>
public sealed class InMemoryStoreConformanceTests : StoreConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoreAsync(PipelineCatalog pipelines) =>
        Task.FromResult(StoreUnderTest.For(new InMemoryStore(pipelines)));
}
