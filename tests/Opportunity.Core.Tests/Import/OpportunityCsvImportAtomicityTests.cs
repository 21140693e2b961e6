using NodaTime;
using NodaTime.Testing;
using Opportunity.Import;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Import;

/// <summary>
/// The CSV import commits the whole file — rows, new partners, events — in one store call, or
/// nothing: a crash part-way leaves nothing and the same file imports afterwards; a bad row
/// without skipping writes nothing; with skipping, the good rows go in one transaction.
/// </summary>
public sealed class OpportunityCsvImportAtomicityTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 1, 15, 9, 0));
    private static readonly OpportunityCsvOptions Options = new(Tenant);

    private static string File(int rows, int partners = 5) =>
        "id,partner,stage,amount,currency\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"o-{i:D5},P{i % partners},{(i % 7 == 0 ? "Closed won" : "Proposal")},{i}.50,EUR\n"));

    [Fact]
    public async Task ImportAsync_CrashHalfway_LeavesNothingAndTheSameFileImportsOnRetry()
    {
        var store = new InMemoryStore();
        var crashing = new CrashingImporter(store, afterRows: 150);

        await Assert.ThrowsAsync<IOException>(() => OpportunityCsvImporter.ImportAsync(new StringReader(File(300)), crashing, store, Options, Clock));

        Assert.Empty(await ListAsync(store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All)));
        Assert.Empty(await ListAsync(store.ListAsync(Tenant)));
        Assert.Empty(await store.ListPendingAsync());

        var retry = await OpportunityCsvImporter.ImportAsync(new StringReader(File(300)), store, store, Options, Clock);

        Assert.True(retry.IsValid, string.Join("; ", retry.Errors));
        Assert.Equal(300, retry.Value.Imported);
        Assert.Equal(300, (await ListAsync(store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All))).Count);
        Assert.Equal(["P0", "P1", "P2", "P3", "P4"], (await ListAsync(store.ListAsync(Tenant))).Select(p => p.Id.Value));

        // The import's one event went to the outbox with the rows; the rows are on the change feed.
        var message = Assert.Single(await store.ListPendingAsync());
        Assert.Equal("OpportunityImport/o-00000/1@acme", message.Id);
        Assert.Equal(new OpportunitiesImported(300, 257, 43, 0, 5, new OpportunityId("o-00000"), new OpportunityId("o-00299")), Counts(message));
        Assert.All(await ListAsync(store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All)), o => Assert.Equal(1, o.Version));
    }

    [Fact]
    public async Task ImportAsync_PerRowEventsAfterACrash_WritesEveryRowsEventsOnceWithTheSummary()
    {
        var store = new InMemoryStore();
        var options = Options with { PerRowEvents = true };
        await Assert.ThrowsAsync<IOException>(() => OpportunityCsvImporter.ImportAsync(new StringReader(File(300)), new CrashingImporter(store, afterRows: 150), store, options, Clock));
        Assert.Empty(await store.ListPendingAsync());

        var retry = await OpportunityCsvImporter.ImportAsync(new StringReader(File(300)), store, store, options, Clock);

        // Every row's events (opened; opened + closed for won deals), then the import's own.
        Assert.True(retry.IsValid, string.Join("; ", retry.Errors));
        var messages = await store.ListPendingAsync();
        Assert.Equal(300 + 43 + 1, messages.Count);
        Assert.Equal(300, messages.Count(m => m.Type == nameof(OpportunityOpened)));
        Assert.Equal(43, messages.Count(m => m.Type == nameof(OpportunityClosed)));
        Assert.Equal(nameof(OpportunitiesImported), messages[^1].Type);
    }

    [Fact]
    public async Task ImportAsync_OneBadRowWithoutSkipping_WritesNothingAndNamesLineAndColumn()
    {
        var store = new InMemoryStore();
        var file = File(50) + $"o-big,P9,Proposal,{Money.MaxDealAmount(CurrencyCode.EUR).Amount + 0.01m},EUR\n";

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(file), store, store, Options, Clock);

        var error = Assert.Single(result.Errors);
        Assert.Equal("line 52, column amount", error.Location);
        Assert.Contains("largest amount of one deal", error.Message, StringComparison.Ordinal);
        Assert.Empty(await ListAsync(store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All)));
        Assert.Empty(await ListAsync(store.ListAsync(Tenant)));
        Assert.Empty(await store.ListPendingAsync());
    }

    [Fact]
    public async Task ImportAsync_AmountAtTheDealLimit_IsImported()
    {
        var store = new InMemoryStore();
        var file = $"id,partner,stage,amount,currency\no-max,P1,Proposal,{Money.MaxDealAmount(CurrencyCode.EUR).Amount},EUR\no-yen,P1,Proposal,{Money.MaxDealMinorUnits},JPY\n";

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(file), store, store, Options, Clock);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(Money.MaxDealMinorUnits, (await store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("o-yen")))!.Amount.MinorUnits);
    }

    [Fact]
    public async Task ImportAsync_StoredIdsWithoutSkipping_WriteNothingAndNameTheLines()
    {
        var store = new InMemoryStore();
        await OpportunityCsvImporter.ImportAsync(new StringReader(File(3)), store, store, Options, Clock);
        var pending = (await store.ListPendingAsync()).Count;

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(File(10, partners: 10)), store, store, Options, Clock);

        Assert.Equal(["line 2, column id", "line 3, column id", "line 4, column id"], result.Errors.Select(e => e.Location));
        Assert.Equal(3, (await ListAsync(store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All))).Count);
        Assert.Equal(3, (await ListAsync(store.ListAsync(Tenant))).Count);
        Assert.Equal(pending, (await store.ListPendingAsync()).Count);
    }

    [Fact]
    public async Task ImportAsync_StoredIdsWithSkipping_ImportsTheOtherRowsAndReportsTheStoredOnes()
    {
        var store = new InMemoryStore();
        await store.UpsertAsync(new Partner(Tenant, new PartnerId("P0"), "Known", PartnerTier.Gold));
        await OpportunityCsvImporter.ImportAsync(new StringReader(File(3)), store, store, Options, Clock);

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(File(10, partners: 10) + "o-bad,P1,Proposal,x,EUR\n"), store, store, Options with { SkipBadRows = true }, Clock);

        Assert.Equal(["line 12, column amount", "line 2, column id", "line 3, column id", "line 4, column id"], result.Value.SkippedRows.Select(e => e.Location));
        Assert.Equal(7, result.Value.Imported);
        Assert.Equal(["P3", "P4", "P5", "P6", "P7", "P8", "P9"], result.Value.NewPartners.Select(p => p.Id.Value));
        Assert.Equal(10, (await ListAsync(store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All))).Count);
        Assert.Equal("Known", (await store.FindAsync(Tenant, new PartnerId("P0")))!.Name);

        // One event per import, named by its first imported row and counting only what was imported.
        var messages = await store.ListPendingAsync();
        Assert.Equal(["OpportunityImport/o-00000/1@acme", "OpportunityImport/o-00003/1@acme"], messages.Select(m => m.Id));
        Assert.Equal(new OpportunitiesImported(7, 6, 1, 0, 7, new OpportunityId("o-00003"), new OpportunityId("o-00009")), Counts(messages[1]));
    }

    // The payload's own fields (the envelope — tenant, aggregate, instant — is checked by the id).
    private static OpportunitiesImported Counts(OutboxMessage message)
    {
        var e = (OpportunitiesImported)DomainEventSerializer.Deserialize(message.Type, message.Payload);
        Assert.Equal((Tenant, OpportunitiesImported.Kind, e.FirstId.Value, 1L, Clock.GetCurrentInstant(), "import"), (e.Tenant, e.AggregateKind, e.AggregateId, e.Sequence, e.OccurredAt, e.Actor));
        return new OpportunitiesImported(e.Imported, e.Open, e.Won, e.Lost, e.NewPartners, e.FirstId, e.LastId);
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>The real in-memory importer whose row stream breaks after some rows, as a killed process or a lost disk would.</summary>
    private sealed class CrashingImporter(InMemoryStore store, int afterRows) : IOpportunityImporter
    {
        public Task<ValidationResult<int>> ImportAsync(OpportunityImportBatch batch, CancellationToken cancellationToken = default) =>
            store.ImportAsync(batch with { Opportunities = Break(batch.Opportunities), Rows = Break(batch.Rows) }, cancellationToken);

        // The CSV importer hands its rows over with their messages (Rows); either stream breaks after afterRows rows.
        private IEnumerable<T> Break<T>(IEnumerable<T> rows)
        {
            foreach (var row in rows.Take(afterRows))
            {
                yield return row;
            }

            throw new IOException("The disk went away.");
        }
    }
}
