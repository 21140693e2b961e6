using Opportunity.Pipelines;
using Opportunity.Testing.Conformance;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>The shared conformance suite against a real PostgreSQL server, a fresh schema per test, as the non-owner app role.</summary>
[RequiresPostgres]
public sealed class PostgreSqlStoreConformanceTests : StoreConformanceTests
{
    protected override async Task<StoreUnderTest> CreateStoreAsync(PipelineCatalog pipelines)
    {
        var (store, schema, drop) = await PostgresTestDatabase.CreateAsync(pipelines);
        await PostgresTestDatabase.CreateOwnTableAsync(schema);
        return Wrap(store, drop, schema, pipelines);
    }

    private static StoreUnderTest Wrap(PostgreSqlStore store, Func<ValueTask> dispose, string schema, PipelineCatalog pipelines) =>
        new(store, store, store, store, dispose)
        {
            Caller = new CallerDatabase(async () => await PostgresTestDatabase.OpenAppConnectionAsync(), $"{schema}.{PostgresTestDatabase.OwnTable}"),
            Importer = store,
            PipelineRows = store,
            ForecastSnapshots = store,
            Targets = store,
            ForecastAdjustments = store,
            ForecastSnapshotRuns = store,
            PushDown = store,
            ChangeFeed = store,
            DecisionLog = store,
            FieldHistory = store,
            Eraser = store,
            ReadStoredBytes = () => PostgresTestDatabase.DumpSchemaTextAsync(schema),
            Quarantine = store,
            CorruptLead = (tenant, id) => store.CorruptLeadAsync(tenant, id),
            FaultPoints = PostgreSqlStore.FaultPoints,
            ArmFault = point => store.FaultHook = InjectedFaultException.ThrowAt(point),
            OpenAnotherInstance = () =>
            {
                var other = PostgresTestDatabase.OpenStore(schema, pipelines);
                return Task.FromResult(Wrap(other, other.DisposeAsync, schema, pipelines));
            },
        };
}
