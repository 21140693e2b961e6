using NodaTime.Testing;
using Opportunity.Pipelines;
using Xunit;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// The persistence conformance suite: every guarantee the store ports promise (CRUD, queries,
/// optimistic concurrency, the transactional outbox, partner and tenant isolation, due-work claims
/// shared by several hosts, all-or-nothing import), written once against the ports, plus a
/// model-based test that replays random operation sequences against the adapter and
/// <see cref="Persistence.InMemory.InMemoryStore"/> and compares everything observable.
/// <para>
/// To run it against an adapter, derive a class in an xunit test project and return a fresh,
/// empty store from <see cref="CreateStoreAsync"/>; every inherited test then runs against it.
/// Every test is a <see cref="ConformanceFactAttribute"/>: put a <see cref="ConformanceSkipAttribute"/>
/// on the derived class to skip the suite when its database is not available.
/// </para>
/// <code>
/// public sealed class MyStoreConformanceTests : StoreConformanceTests
/// {
///     protected override async Task&lt;StoreUnderTest&gt; CreateStoreAsync(PipelineCatalog pipelines)
///     {
///         var store = await MyStore.CreateEmptyAsync(pipelines);
///         return StoreUnderTest.For(store, () =&gt; store.DisposeAsync());
///     }
/// }
/// </code>
/// </summary>
public abstract partial class StoreConformanceTests : IAsyncLifetime
{
    private StoreUnderTest? _store;

    /// <summary>The store of the running test: fresh and empty at the start of every test.</summary>
    protected StoreUnderTest Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>The test's clock; tests move it explicitly and never read the wall clock.</summary>
    protected FakeClock Clock { get; } = ConformanceData.NewClock();

    /// <summary>The pipeline definitions the store rebuilds opportunities with (the default definition).</summary>
    protected PipelineCatalog Pipelines { get; } = new();

    /// <summary>How many writers race in the concurrency test. Default 16.</summary>
    protected virtual int ConcurrentWriters => 16;

    /// <summary>How many rounds each racing writer makes. Default 200.</summary>
    protected virtual int ConcurrentRounds => 200;

    /// <summary>How many hosts claim due work at once in the claim test. Default 4.</summary>
    protected virtual int ConcurrentProcessors => 4;

    /// <summary>Creates a fresh, empty store that rebuilds opportunities with <paramref name="pipelines"/>.</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync(PipelineCatalog pipelines);

    /// <summary>Creates the test's store.</summary>
    public async Task InitializeAsync() => _store = await CreateStoreAsync(Pipelines);

    /// <summary>Disposes the test's store.</summary>
    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>Replaces the test's store with a fresh, empty one (between model-based runs).</summary>
    private async Task ResetStoreAsync()
    {
        await DisposeAsync();
        Clock.Reset(ConformanceData.Start);
        _store = await CreateStoreAsync(Pipelines);
    }

    /// <summary>The other hosts of the claim tests: new instances over the same database when the adapter can open them.</summary>
    private async Task<List<StoreUnderTest>> OpenHostsAsync(int count)
    {
        var hosts = new List<StoreUnderTest> { Store };
        while (hosts.Count < count)
        {
            hosts.Add(Store.OpenAnotherInstance is null ? Store : await Store.OpenAnotherInstance());
        }

        return hosts;
    }

    private async Task CloseHostsAsync(List<StoreUnderTest> hosts)
    {
        foreach (var host in hosts.Where(h => !ReferenceEquals(h, Store)))
        {
            await host.DisposeAsync();
        }
    }
}
