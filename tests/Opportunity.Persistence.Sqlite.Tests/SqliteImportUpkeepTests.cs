using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// <see cref="ImportUpkeep"/>: an import that writes more rows than the table held builds the
/// secondary indexes again after its rows (the indexes get new B-trees: new root pages), a smaller one
/// keeps them row by row; either way the schema text is exactly what it was, the feed trigger included.
/// </summary>
public sealed class SqliteImportUpkeepTests : IDisposable
{
    private static readonly TenantId Tenant = new("tenant-a");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 9, 0));

    [Fact]
    public async Task ImportAsync_LargerThenSmallerThanTheTable_RebuildsIndexesOnlyForTheLargerAndKeepsTheSchema()
    {
        using var store = new SqliteStore(_database.Path) { ImportIndexRebuildMinimum = 8 };
        await store.MigrateAsync();
        await store.Opportunities.AddAsync(Deal("stored-0"));
        var before = Schema();

        Assert.True((await store.Importer.ImportAsync([.. Enumerable.Range(0, 50).Select(i => Deal($"large-{i:D2}").ToSnapshot())])).IsValid);
        var afterLarge = Schema();
        Assert.True((await store.Importer.ImportAsync([.. Enumerable.Range(0, 20).Select(i => Deal($"small-{i:D2}").ToSnapshot())])).IsValid);
        var afterSmall = Schema();

        Assert.Equal(before.Select(s => (s.Name, s.Sql)), afterLarge.Select(s => (s.Name, s.Sql)));
        Assert.Equal(before.Select(s => (s.Name, s.Sql)), afterSmall.Select(s => (s.Name, s.Sql)));
        string[] rebuilt = ["opportunities_due", "opportunities_partner", "opportunities_pipeline"];
        Assert.All(rebuilt, name => Assert.NotEqual(RootPage(before, name), RootPage(afterLarge, name)));
        Assert.All(rebuilt, name => Assert.Equal(RootPage(afterLarge, name), RootPage(afterSmall, name)));
        Assert.Equal(RootPage(before, "opportunities_source_lead"), RootPage(afterLarge, "opportunities_source_lead")); // unique: kept
        Assert.Equal("ok", Scalar("PRAGMA integrity_check;"));
        Assert.Equal(71L, Scalar("SELECT count(*) FROM opportunity_feed;"));
    }

    public void Dispose() => _database.Dispose();

    private SalesOpportunity Deal(string id) =>
        SalesOpportunity.Open(Tenant, new OpportunityId(id), new SalesOpportunityDraft(new PartnerId("partner-" + (id.Length % 3)), new Money(1_000m, CurrencyCode.EUR), new LocalDate(2026, 9, 30)), PipelineDefinition.Default, "sales", _clock);

    private List<(string Name, string? Sql, long RootPage)> Schema()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql, rootpage FROM sqlite_master ORDER BY name;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string?, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    private static long RootPage(List<(string Name, string? Sql, long RootPage)> schema, string name) => schema.Single(s => s.Name == name).RootPage;

    private object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        connection.Open();
        return connection;
    }
}
