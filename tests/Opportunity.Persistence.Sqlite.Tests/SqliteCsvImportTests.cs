using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Import;
using Opportunity.Testing.Conformance;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// The CSV import into a real SQLite file is all or nothing for a big file whose failure comes in
/// the middle: a stored id on line 10,002 of 20,001, or a crash after every row is written and
/// before the outbox, leave the file as it was; the same file then imports whole: every row on the
/// change feed and the import's one event, or every row's events when asked for.
/// </summary>
public sealed class SqliteCsvImportTests : IDisposable
{
    private const int Rows = 20_000;
    private static readonly TenantId Tenant = new("acme");
    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 1, 15, 9, 0));
    private static readonly OpportunityCsvOptions Options = new(Tenant);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static string File(int rows, int first = 0) =>
        "id,partner,stage,amount,currency,region\n" + string.Concat(Enumerable.Range(first, rows).Select(i => $"o-{i:D5},P{i % 50},{(i % 3 == 0 ? "Closed won" : "Proposal")},{i}.50,EUR,DE-South\n"));

    [Fact]
    public async Task ImportAsync_StoredIdInTheMiddleOfABigFile_WritesNothingAndNamesTheLine()
    {
        using var store = new SqliteStore(_database.Path);
        Assert.True((await OpportunityCsvImporter.ImportAsync(new StringReader(File(1, first: Rows / 2)), store.Importer, store.Partners, Options, Clock)).IsValid);

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(File(Rows)), store.Importer, store.Partners, Options, Clock);

        var error = Assert.Single(result.Errors);
        Assert.Equal($"line {Rows / 2 + 2}, column id", error.Location);
        Assert.Equal(1L, await CountAsync("opportunities"));
        Assert.Equal(1L, await CountAsync("partners"));
        Assert.Equal(1L, await CountAsync("outbox"));
    }

    [Fact]
    public async Task ImportAsync_CrashAfterTheRowsOfABigFile_LeavesNothingAndTheSameFileImportsAfterwards()
    {
        using var store = new SqliteStore(_database.Path);
        store.FaultHook = InjectedFaultException.ThrowAt("after-state");

        await Assert.ThrowsAsync<InjectedFaultException>(() => OpportunityCsvImporter.ImportAsync(new StringReader(File(Rows)), store.Importer, store.Partners, Options, Clock));

        Assert.Equal(0L, await CountAsync("opportunities"));
        Assert.Equal(0L, await CountAsync("partners"));
        Assert.Equal(0L, await CountAsync("outbox"));

        store.FaultHook = null;
        var retry = await OpportunityCsvImporter.ImportAsync(new StringReader(File(Rows)), store.Importer, store.Partners, Options, Clock);

        Assert.True(retry.IsValid, string.Join("; ", retry.Errors.Take(3)));
        Assert.Equal((long)Rows, await CountAsync("opportunities"));
        Assert.Equal(50L, await CountAsync("partners"));
        Assert.Equal((long)Rows, await CountAsync("opportunity_feed"));
        var imported = Assert.Single(await store.Outbox.ListPendingAsync());
        Assert.Equal("OpportunityImport/o-00000/1@acme", imported.Id);
        var counts = (OpportunitiesImported)DomainEventSerializer.Deserialize(imported.Type, imported.Payload);
        Assert.Equal((Rows, (Rows + 2) / 3), (counts.Imported, counts.Won));
    }

    [Fact]
    public async Task ImportAsync_PerRowEvents_WritesEveryRowsEventsWithTheRows()
    {
        using var store = new SqliteStore(_database.Path);

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(File(Rows)), store.Importer, store.Partners, Options with { PerRowEvents = true }, Clock);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Take(3)));
        Assert.Equal((long)(Rows + (Rows + 2) / 3 + 1), await CountAsync("outbox"));
        var opened = (await store.Outbox.ListPendingAsync()).First(m => m.Id == "SalesOpportunity/o-10000/1@acme");
        Assert.Equal(DomainEventSerializer.Serialize(DomainEventSerializer.Deserialize(opened.Type, opened.Payload)), opened.Payload);
    }

    private async Task<long> CountAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table};";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
