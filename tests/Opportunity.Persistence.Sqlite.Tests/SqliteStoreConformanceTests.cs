using Opportunity.Pipelines;
using Opportunity.Testing.Conformance;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>The shared conformance suite against a real SQLite file per test.</summary>
public sealed class SqliteStoreConformanceTests : StoreConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoreAsync(PipelineCatalog pipelines)
    {
        var database = new TempDatabase();
        var store = new SqliteStore(database.Path, pipelines);
        return Task.FromResult(Wrap(store, () =>
        {
            store.Dispose();
            database.Dispose();
        }, database.Path, pipelines));
    }

    private static StoreUnderTest Wrap(SqliteStore store, Action dispose, string path, PipelineCatalog pipelines) =>
        new(store, store, store, store, () =>
        {
            dispose();
            return ValueTask.CompletedTask;
        })
        {
            Importer = store,
            PipelineRows = store,
            PushDown = store,
            DecisionLog = store,
            Quarantine = store,
            CorruptLead = (tenant, id) => store.CorruptLeadAsync(tenant, id),
            FaultPoints = SqliteStore.FaultPoints,
            ArmFault = point => store.FaultHook = InjectedFaultException.ThrowAt(point),
            OpenAnotherInstance = () =>
            {
                var other = new SqliteStore(path, pipelines);
                return Task.FromResult(Wrap(other, other.Dispose, path, pipelines));
            },
        };
}
