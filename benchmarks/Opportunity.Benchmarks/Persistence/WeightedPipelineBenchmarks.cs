using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Npgsql;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.PostgreSql.Pipelines;
using Opportunity.Pipelines;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// The weighted pipeline by partner × stage over 1,000,000 opportunities stored in PostgreSQL:
/// pushed down to SQL (exact numeric sums, a few hundred rows come back) versus loading every
/// opportunity through IOpportunityStore.QueryAsync and summing in memory with the same exact
/// arithmetic. Both give identical rows. Needs OPPORTUNITY_POSTGRES.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class WeightedPipelineBenchmarks
{
    private readonly AccessScope _scope = AccessScope.Manufacturer(new TenantId("bench"));
    private PostgreSqlStore? _store;
    private string _schema = string.Empty;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _schema = "bench_" + Guid.NewGuid().ToString("N");
        _store = new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = PersistenceBenchmarkData.Postgres, Schema = _schema });
        var result = _store.ImportAsync(PersistenceBenchmarkData.Opportunities(Rows)).GetAwaiter().GetResult();
        if (!result.IsValid)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }

        using var connection = new NpgsqlConnection(PersistenceBenchmarkData.Postgres);
        connection.Open();
        using var analyze = new NpgsqlCommand($"ANALYZE {_schema}.opportunities;", connection);
        analyze.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        using var connection = new NpgsqlConnection(PersistenceBenchmarkData.Postgres);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE;", connection);
        drop.ExecuteNonQuery();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> LoadIntoMemoryAndSum()
    {
        var loaded = new List<SalesOpportunity>(Rows);
        await foreach (var opportunity in _store!.QueryAsync(_scope, new global::Opportunity.Persistence.OpportunityQuery { IsOpen = true }))
        {
            loaded.Add(opportunity);
        }

        return PipelineAggregateRow.Aggregate(loaded, PipelineGrouping.ByPartnerAndStage).Count;
    }

    [Benchmark]
    public async Task<int> PushDownToPostgreSql() => (await _store!.GetWeightedPipelineAsync(_scope, PipelineGrouping.ByPartnerAndStage)).Count;
}
