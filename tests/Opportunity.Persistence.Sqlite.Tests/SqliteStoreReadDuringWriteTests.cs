using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// A second process must read while another holds the write lock (issue 11, defect 9): opening a
/// store whose schema is current takes no write lock. The write transaction is held open
/// explicitly, so nothing depends on timing; the reader's busy timeout is short so that the old
/// behaviour (waiting for the lock) fails fast instead of hanging.
/// </summary>
public sealed class SqliteStoreReadDuringWriteTests : IDisposable
{
    private static readonly TenantId Tenant = new("t");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task AutoMigrate_AnotherConnectionHoldsTheWriteLock_SecondStoreOpensAndReads()
    {
        using (var writer = new SqliteStore(_database.Path))
        {
            await writer.Leads.AddAsync(Lead.Capture(Tenant, new LeadId("l-1"), new LeadDetails { Source = "web", Company = "Acme" }, "system", _clock));
            await writer.Opportunities.AddAsync(SalesOpportunity.Open(Tenant, new OpportunityId("o-1"), new SalesOpportunityDraft(new PartnerId("p"), new Money(1_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "system", _clock));
        }

        // Another process in the middle of a long import: the write lock is held and a row is written but not committed.
        await using var import = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await import.OpenAsync();
        await using (var begin = import.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE; UPDATE leads SET state = state WHERE id = 'l-1';";
            await begin.ExecuteNonQueryAsync();
        }

        using var reader = new SqliteStore(new SqliteStoreOptions { DatabasePath = _database.Path, AutoMigrate = true, BusyTimeout = Duration.FromSeconds(1) });
        var scope = AccessScope.Manufacturer(Tenant);

        var lead = await reader.Leads.FindAsync(scope, new LeadId("l-1"));
        var queried = await reader.Leads.QueryAsync(scope, new LeadQuery()).Select(l => l.Id.Value).ToListAsync();
        var snapshot = await PipelineSnapshot.FromStoreAsync(reader.Opportunities, scope);

        Assert.NotNull(lead);
        Assert.Equal(["l-1"], queried);
        Assert.Equal(1, snapshot.Count);
        await CommitAsync(import); // throws "no transaction is active" unless the write lock was held throughout
    }

    [Fact]
    public async Task AutoMigrate_FreshFileOpenedByTwoStoresAtOnce_MigratesOnceAndBothWork()
    {
        using var first = new SqliteStore(_database.Path);
        using var second = new SqliteStore(new SqliteStoreOptions { ConnectionString = $"Data Source={_database.Path}" });
        var scope = AccessScope.Manufacturer(Tenant);

        await Task.WhenAll(
            first.Leads.AddAsync(Lead.Capture(Tenant, new LeadId("a"), new LeadDetails { Source = "web" }, "system", _clock)),
            second.Leads.AddAsync(Lead.Capture(Tenant, new LeadId("b"), new LeadDetails { Source = "web" }, "system", _clock)));

        Assert.Equal(["a", "b"], await first.Leads.QueryAsync(scope, new LeadQuery()).Select(l => l.Id.Value).ToListAsync());
        Assert.Equal(["a", "b"], await second.Leads.QueryAsync(scope, new LeadQuery()).Select(l => l.Id.Value).ToListAsync());
        await using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM schema_migrations) - (SELECT count(DISTINCT version) FROM schema_migrations), (SELECT max(version) FROM schema_migrations);";
        await using var row = await command.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(0L, row.GetInt64(0));
        Assert.Equal(SqliteStore.SchemaVersion, row.GetInt32(1));
    }

    private static async Task CommitAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "COMMIT;";
        await command.ExecuteNonQueryAsync();
    }
}
