using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Testing.Storage;
using Xunit.Abstractions;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// The storage bound of docs/persistence.md at a small scale: routed leads with their decisions and
/// delivered-then-purged notifications take at most 2 KB each, all tables and indexes together
/// (SQLite <c>dbstat</c>). 0.1.0 took about 12 KB per lead for the decisions alone and kept every
/// delivered outbox row.
/// </summary>
public sealed class SqliteStorageGrowthTests(ITestOutputHelper output) : IDisposable
{
    private const int Leads = 3_000;
    private readonly TempDatabase _database = new();

    [Fact]
    public async Task RoutedLeads_AfterDeliveryAndPurge_TakeAtMostTwoKilobytesEach()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 7, 1, 0, 0));
        using var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = _database.Path, DurableCommits = false });

        var assigned = await StorageGrowthScenario.RunAsync(store.Leads, store.Outbox, store.Partners, store.DecisionLog, clock, Leads);

        var (used, outboxRows) = await UsedBytesAsync(_database.Path);

        var perLead = used / (double)Leads;
        output.WriteLine($"{used:N0} B in use, {perLead:N0} B per lead; {assigned} of {Leads} assigned");
        Assert.InRange(assigned, Leads * 8 / 10, Leads); // the workload routes, not an empty network
        Assert.Equal(0, outboxRows); // every message delivered, then purged
        Assert.True(perLead <= 2048, $"{perLead:N0} B per routed lead, more than 2 KB");
    }

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// Bytes of every table and index together: pages in use (page count minus free pages, which
    /// later writes reuse) times the page size. The bundled SQLite has no <c>dbstat</c>; the per-table
    /// figures of docs/persistence.md come from the <c>sqlite3</c> shell on the benchmark's file.
    /// </summary>
    private static async Task<(long Used, long OutboxRows)> UsedBytesAsync(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size()), (SELECT count(*) FROM outbox);";
        using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0) * reader.GetInt64(1), reader.GetInt64(2));
    }
}
