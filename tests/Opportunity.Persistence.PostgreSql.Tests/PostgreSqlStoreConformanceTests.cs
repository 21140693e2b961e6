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
        // Every port the store has, as StoreUnderTest.For(store) takes them, plus the suite's hooks (init-only, so spelled out).
        new(store.Leads, store.Opportunities, store.Partners, store.Outbox, dispose)
        {
            Caller = new CallerDatabase(async () => await PostgresTestDatabase.OpenAppConnectionAsync(), $"{schema}.{PostgresTestDatabase.OwnTable}"),
            Importer = store.Importer,
            Conversions = store.Conversions,
            Merges = store.Merges,
            Schema = store.Schema,
            PipelineRows = store.Opportunities as IPipelineRowSource,
            ForecastSnapshots = store.ForecastSnapshots,
            Targets = store.Targets,
            ForecastAdjustments = store.ForecastAdjustments,
            ForecastSnapshotRuns = store.ForecastSnapshotRuns,
            PushDown = store.PushDown,
            ChangeFeed = store.ChangeFeed,
            DecisionLog = store.DecisionLog,
            FieldHistory = store.FieldHistory,
            Eraser = store.Eraser,
            Quarantine = store.Quarantine,
            ReadStoredBytes = () => PostgresTestDatabase.DumpSchemaTextAsync(schema),
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
