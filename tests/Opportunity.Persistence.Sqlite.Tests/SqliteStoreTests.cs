using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Persistence.Sqlite.Tests;

public sealed class SqliteStoreTests : IDisposable
{
    private static readonly TenantId Tenant = new("t");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task MigrateAsync_RunTwiceAndFromTwoStores_AppliesEachMigrationOnceInWalMode()
    {
        using var first = new SqliteStore(_database.Path);
        using var second = new SqliteStore(_database.Path);

        await Task.WhenAll(first.MigrateAsync(), second.MigrateAsync());
        await first.MigrateAsync();

        Assert.Equal(Schema.SqliteMigrations.All.Count, await ScalarAsync<long>("SELECT count(*) FROM schema_migrations;")); // version numbers may have gaps
        Assert.Equal(SqliteStore.SchemaVersion, await ScalarAsync<long>("SELECT max(version) FROM schema_migrations;"));
        Assert.Equal("wal", await ScalarAsync<string>("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task MigrateAsync_DatabaseFromNewerLibrary_RefusesToRun()
    {
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();
        await ScalarAsync<long>("INSERT INTO schema_migrations VALUES (999, 'future', 'x'); SELECT 1;");

        using var older = new SqliteStore(_database.Path);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => older.MigrateAsync());

        Assert.Contains("999", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A database at schema 2 gets migration 3, which computes the duplicate keys of the leads already stored.</summary>
    [Fact]
    public async Task MigrateAsync_FromSchemaTwo_IndexesTheDuplicateKeysOfStoredLeads()
    {
        using (var before = new SqliteStore(_database.Path))
        {
            await before.Leads.AddAsync(Lead.Capture(Tenant, new LeadId("l-1"), new LeadDetails { Source = "web", Company = "ACME Heizung GmbH", Contact = new LeadContact(null, "a@Acme.de", "+49 89 1234567") }, "system", _clock));
            await before.Leads.AddAsync(Lead.Capture(Tenant, new LeadId("l-2"), new LeadDetails { Source = "web", Company = "Beta" }, "system", _clock));
        }

        // Back to the schema of the previous release: no key columns, migration 3 not recorded.
        await ScalarAsync<long>("""
            DROP INDEX leads_dup_company; DROP INDEX leads_dup_email_domain; DROP INDEX leads_dup_phone;
            ALTER TABLE leads DROP COLUMN dup_company; ALTER TABLE leads DROP COLUMN dup_email_domain; ALTER TABLE leads DROP COLUMN dup_phone;
            DELETE FROM schema_migrations WHERE version = 3; SELECT 1;
            """);
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();

        var scope = AccessScope.Manufacturer(Tenant);
        Assert.Equal(["l-1"], await Ids(store.Leads.FindDuplicateCandidatesAsync(scope, new DuplicateKeys("acme heizung", null, null))));
        Assert.Equal(["l-1"], await Ids(store.Leads.FindDuplicateCandidatesAsync(scope, new DuplicateKeys(null, "acme.de", "891234567"))));
        Assert.Equal(["l-2"], await Ids(store.Leads.FindDuplicateCandidatesAsync(scope, new DuplicateKeys("beta", null, null))));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM leads WHERE dup_email_domain IS NULL AND dup_phone IS NULL;"));
    }

    /// <summary>
    /// A database at schema 10 gets migration 11, which fills the pipeline columns (stage kind, probability
    /// and category in force, close instant) of the opportunities already stored from their documents,
    /// and migration 18, which indexes them: afterwards the streamed snapshot and the push-down equal the
    /// snapshot of the deals.
    /// </summary>
    [Fact]
    public async Task MigrateAsync_FromSchemaTen_FillsThePipelineColumnsOfStoredOpportunities()
    {
        var open = Deal("o-open", "P1", 1_000m, CurrencyCode.EUR, new LocalDate(2025, 6, 30));
        open.OverrideProbability(Probability.FromPercent(35), "rep", _clock);
        var won = Deal("o-won", "P2", 2_000m, CurrencyCode.USD, new LocalDate(2025, 12, 31));
        won.CloseWon("signed", "rep", _clock);
        var lost = Deal("o-lost", "P2", 3_000m, CurrencyCode.EUR, new LocalDate(2025, 4, 30));
        lost.CloseLost("budget", "rep", _clock);
        using (var before = new SqliteStore(_database.Path))
        {
            foreach (var o in new[] { open, won, lost })
            {
                await before.Opportunities.AddAsync(o);
            }
        }

        // Back to the schema before: no pipeline columns (nor migration 18's index of them), migrations 11 and 18 not recorded.
        await ScalarAsync<long>("""
            DROP INDEX opportunities_pipeline; DELETE FROM schema_migrations WHERE version = 18;
            ALTER TABLE opportunities DROP COLUMN stage_kind; ALTER TABLE opportunities DROP COLUMN probability_bp;
            ALTER TABLE opportunities DROP COLUMN forecast_category; ALTER TABLE opportunities DROP COLUMN closed_at;
            DELETE FROM schema_migrations WHERE version = 11; SELECT 1;
            """);
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();

        var options = new Forecasting.PipelineSnapshotOptions { IncludeClosedWon = true };
        var grouping = Forecasting.PipelineGrouping.By(Forecasting.PipelineDimension.Partner, Forecasting.PipelineDimension.CloseMonth);
        var expected = Forecasting.PipelineSnapshot.FromOpportunities([open, won, lost], options).Group(grouping).Groups.ToList();
        var streamed = (await Forecasting.PipelineSnapshot.FromStoreAsync(store.Opportunities, AccessScope.Manufacturer(Tenant), options)).Group(grouping).Groups;
        var pushed = await store.PushDown.AggregatePipelineAsync(AccessScope.Manufacturer(Tenant), grouping, options);
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected, streamed);
        Assert.Equal(expected, pushed);
        Assert.Equal(3L, await ScalarAsync<long>("SELECT count(*) FROM opportunities WHERE stage_kind IS NOT NULL AND probability_bp IS NOT NULL;"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'opportunities_pipeline';"));

        SalesOpportunity Deal(string id, string partner, decimal amount, CurrencyCode currency, LocalDate close) =>
            SalesOpportunity.Open(Tenant, new OpportunityId(id), new SalesOpportunityDraft(new PartnerId(partner), new Money(amount, currency), close), PipelineDefinition.Default, "u", _clock);
    }

    /// <summary>
    /// A quarantined opportunity stays out of the streamed pipeline and the push-down, as it stays out of
    /// queries (the stores add that check only when the tenant has quarantined opportunities at all).
    /// </summary>
    [Fact]
    public async Task ReadPipelineRowsAsync_QuarantinedOpportunity_LeftOutOfStreamPushDownAndFeedRows()
    {
        using var store = new SqliteStore(_database.Path);
        var kept = SalesOpportunity.Open(Tenant, new OpportunityId("o-kept"), new SalesOpportunityDraft(new PartnerId("P1"), new Money(1_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "u", _clock);
        var held = SalesOpportunity.Open(Tenant, new OpportunityId("o-held"), new SalesOpportunityDraft(new PartnerId("P1"), new Money(7_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "u", _clock);
        await store.Opportunities.AddAsync(kept);
        await store.Opportunities.AddAsync(held);
        var scope = AccessScope.Manufacturer(Tenant);
        Assert.Equal(2, (await Forecasting.PipelineSnapshot.FromStoreAsync(store.Opportunities, scope)).Count);

        await ScalarAsync<long>($"INSERT INTO quarantine (tenant, kind, id, reason, quarantined_at) VALUES ('{Tenant}', 'SalesOpportunity', 'o-held', 'unreadable', '2025-03-03T09:00:00.000000000Z'); SELECT 1;");

        var expected = Forecasting.PipelineSnapshot.FromOpportunities([kept]).Total().Groups.ToList();
        var streamed = await Forecasting.PipelineSnapshot.FromStoreAsync(store.Opportunities, scope);
        Assert.Equal(1, streamed.Count);
        Assert.Equal(expected, streamed.Total().Groups);
        Assert.Equal(expected, await store.PushDown.AggregatePipelineAsync(scope, Forecasting.PipelineGrouping.Total));

        // The change feed carries both writes; the quarantined deal's entry has no row (the follower drops it).
        var feed = await store.ChangeFeed.ReadChangesAsync(Tenant, ChangeFeedPosition.Start, 10);
        Assert.Equal(["o-kept", "o-held"], feed.Changes.Select(c => c.Id.Value));
        Assert.Equal(StoredPipelineRow.Of(kept), feed.Changes[0].Row);
        Assert.Null(feed.Changes[1].Row);
    }

    /// <summary>
    /// A database at schema 4 gets migration 5, which counts the open leads already stored per partner
    /// (from the state columns, so an unreadable document still counts) and their latest assignment, and
    /// from then on refuses a lead past a partner's capacity.
    /// </summary>
    [Fact]
    public async Task MigrateAsync_FromSchemaFour_CountsTheOpenLeadsOfStoredLeadsAndEnforcesCapacity()
    {
        var p1 = new PartnerId("p-1");
        var p2 = new PartnerId("p-2");
        using (var before = new SqliteStore(_database.Path))
        {
            await before.Partners.UpsertAsync(new Partners.Partner(Tenant, p1, "One", Partners.PartnerTier.Gold) { Capacity = 3 });
            await before.Leads.AddAsync(Assigned("l-1", p1));
            var accepted = Assigned("l-2", p1);
            accepted.Accept(p1, _clock);
            await before.Leads.AddAsync(accepted);
            _clock.Advance(Duration.FromMinutes(5));
            await before.Leads.AddAsync(Assigned("l-3", p2));
            var rejected = Assigned("l-4", p1);
            rejected.Reject(p1, "busy", _clock);
            await before.Leads.AddAsync(rejected);
            await before.Leads.AddAsync(Assigned("l-5", p1));
        }

        // Back to the schema of the previous release (nothing counted), with one unreadable document.
        await ScalarAsync<long>("""
            DROP TRIGGER leads_load_insert; DROP TRIGGER leads_load_update; DROP TRIGGER leads_load_delete;
            DROP TABLE partner_load; DROP TABLE quarantine; ALTER TABLE leads DROP COLUMN assigned_at;
            UPDATE leads SET document = '{"broken' WHERE id = 'l-5';
            DELETE FROM schema_migrations WHERE version = 5; SELECT 1;
            """);
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();

        var load = await store.Leads.ListPartnerLoadAsync(Tenant);
        Assert.Equal(["p-1=3@2025-03-03T09:05:00Z", "p-2=1@2025-03-03T09:05:00Z"], load.Select(l => $"{l.Partner}={l.OpenLeads}@{l.LastAssignedAt}"));
        var full = Lead.Capture(Tenant, new LeadId("l-6"), new LeadDetails { Source = "web" }, "system", _clock);
        full.Qualify(LeadQualification.Full, "system", _clock);
        full.Assign(p1, _clock.GetCurrentInstant() + Duration.FromDays(1), "router", _clock);
        await Assert.ThrowsAsync<PartnerAtCapacityException>(() => store.Leads.AddAsync(full));

        Lead Assigned(string id, PartnerId partner)
        {
            var lead = Lead.Capture(Tenant, new LeadId(id), new LeadDetails { Source = "web" }, "system", _clock);
            lead.Qualify(LeadQualification.Full, "system", _clock);
            lead.Assign(partner, _clock.GetCurrentInstant() + Duration.FromDays(1), "router", _clock);
            return lead;
        }
    }

    [Fact]
    public async Task AddAsync_Opportunity_StoresExactMinorUnitsUtcInstantsAndIsoDates()
    {
        using var store = new SqliteStore(_database.Path);
        var opportunity = SalesOpportunity.Open(Tenant, new OpportunityId("o"), new SalesOpportunityDraft(new PartnerId("p"), new Money(1_234_567.89m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "system", _clock);
        opportunity.ScheduleNextDue(Instant.FromUtc(2025, 3, 4, 17, 30) + Duration.FromNanoseconds(5));

        await store.Opportunities.AddAsync(opportunity);

        Assert.Equal(123_456_789L, await ScalarAsync<long>("SELECT amount_minor FROM opportunities;"));
        Assert.Equal("EUR", await ScalarAsync<string>("SELECT currency FROM opportunities;"));
        Assert.Equal("2025-06-30", await ScalarAsync<string>("SELECT expected_close FROM opportunities;"));
        Assert.Equal("2025-03-04T17:30:00.000000005Z", await ScalarAsync<string>("SELECT next_due_at FROM opportunities;"));
        Assert.Equal("Qualification", await ScalarAsync<string>("SELECT stage FROM opportunities;"));
    }

    [Fact]
    public async Task AddAsync_AmountBeyond64BitMinorUnits_ThrowsNamingEntityAndFieldAndWritesNothing()
    {
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();
        // The model refuses such an amount since 0.2.0; a snapshot from elsewhere still reaches the store's own check.
        var valid = SalesOpportunity.Open(Tenant, new OpportunityId("huge"), new SalesOpportunityDraft(new PartnerId("p"), new Money(1m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "system", _clock);
        var opportunity = SalesOpportunity.FromSnapshot(valid.ToSnapshot() with { Amount = new Money(100_000_000_000_000_000_000m, CurrencyCode.EUR) }, PipelineDefinition.Default);

        var ex = await Assert.ThrowsAsync<StoreDataException>(() => store.Opportunities.AddAsync(opportunity));

        Assert.Equal("SalesOpportunity", ex.Entity);
        Assert.Equal("huge", ex.EntityId);
        Assert.Equal("Amount", ex.Field);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM opportunities;"));
        Assert.Empty(await store.Outbox.ListPendingAsync());
    }

    [Fact]
    public async Task FindAsync_CorruptDocument_ThrowsNamingEntityIdAndDocument()
    {
        using var store = new SqliteStore(_database.Path);
        await store.Leads.AddAsync(Lead.Capture(Tenant, new LeadId("l-1"), new LeadDetails { Source = "web" }, "system", _clock));
        await ScalarAsync<long>("UPDATE leads SET document = '{\"id\":\"l-1\"' ; SELECT 1;");

        var ex = await Assert.ThrowsAsync<StoreDataException>(() => store.Leads.FindAsync(AccessScope.Manufacturer(Tenant), new LeadId("l-1")));

        Assert.Equal("Lead", ex.Entity);
        Assert.Equal("l-1", ex.EntityId);
        Assert.Equal("document", ex.Field);
    }

    [Fact]
    public async Task Constructor_NoPathAndNoConnectionString_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SqliteStore(new SqliteStoreOptions()));

        Assert.Contains(nameof(SqliteStoreOptions.DatabasePath), ex.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task AutoMigrateOff_BeforeMigrate_FailsAndAfterMigrate_Works()
    {
        using var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = _database.Path, AutoMigrate = false });
        var lead = Lead.Capture(Tenant, new LeadId("l-1"), new LeadDetails { Source = "web" }, "system", _clock);

        await Assert.ThrowsAsync<SqliteException>(() => store.Leads.AddAsync(lead));
        await store.MigrateAsync();
        await store.Leads.AddAsync(lead);

        Assert.NotNull(await store.Leads.FindAsync(AccessScope.Manufacturer(Tenant), lead.Id));
    }

    [Fact]
    public async Task RoutingDecisions_UpdateOrDelete_RefusedByTheDatabase()
    {
        using var store = new SqliteStore(_database.Path);
        await store.DecisionLog.AppendAsync(Tenant, new RoutingDecisionRecord(new LeadId("l-1"), _clock.GetCurrentInstant(), "rules", null, RoutingOutcome.Unroutable, [], 1, "nobody", "why"));

        var update = await Assert.ThrowsAsync<SqliteException>(() => ScalarAsync<long>("UPDATE routing_decisions SET outcome = 'rewritten'; SELECT 1;"));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => ScalarAsync<long>("DELETE FROM routing_decisions; SELECT 1;"));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        Assert.Equal("why", Assert.Single(await store.DecisionLog.ForLeadAsync(Tenant, new LeadId("l-1"))).Explanation);
    }

    [Fact]
    public async Task RoutingDecisions_UndefinedOutcome_ThrowsNamingTheFieldAndWritesNothing()
    {
        using var store = new SqliteStore(_database.Path);

        var ex = await Assert.ThrowsAsync<StoreDataException>(() => store.DecisionLog.AppendAsync(Tenant, new RoutingDecisionRecord(new LeadId("l-1"), _clock.GetCurrentInstant(), "rules", null, (RoutingOutcome)42, [], 1, null, "why")));

        Assert.Equal((StoredValues.RoutingDecisionEntity, "l-1", nameof(RoutingDecisionRecord.Outcome)), (ex.Entity, ex.EntityId, ex.Field));
        Assert.Empty(await store.DecisionLog.ForLeadAsync(Tenant, new LeadId("l-1")));
    }

    private static async Task<List<string>> Ids(IAsyncEnumerable<Lead> leads)
    {
        var ids = new List<string>();
        await foreach (var lead in leads)
        {
            ids.Add(lead.Id.Value);
        }

        return ids;
    }

    /// <summary>A deal stored by 0.1.0 above the one deal limit (its import accepted 1e13 EUR, 1e15 minor units in the column) is reported naming the deal and field, not as a bare ArgumentOutOfRangeException.</summary>
    [Fact]
    public async Task PipelineSnapshotFromStore_StoredAmountAboveTheDealLimit_NamesTheDeal()
    {
        using var store = new SqliteStore(_database.Path);
        var deal = SalesOpportunity.Open(Tenant, new OpportunityId("o-huge"), new SalesOpportunityDraft(new PartnerId("P1"), new Money(1m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "u", _clock);
        await store.Opportunities.AddAsync(deal);
        Assert.Equal(1L, await ScalarAsync<long>("""UPDATE opportunities SET amount_minor = 1000000000000000, document = replace(document, '"amount":"1"', '"amount":"10000000000000"') WHERE instr(document, '"amount":"1"') > 0; SELECT changes();"""));

        var error = await Assert.ThrowsAsync<StoreDataException>(() => Forecasting.PipelineSnapshot.FromStoreAsync(store.Opportunities, AccessScope.Manufacturer(Tenant)));

        Assert.Equal("o-huge", error.EntityId);
        Assert.Equal("Amount", error.Field);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
