using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Persistence.PostgreSql.Tests;

public sealed class PostgreSqlStoreTests : PostgresSchemaTest
{
    private static readonly TenantId TenantA = new("tenant-a");
    private static readonly TenantId TenantB = new("tenant-b");
    private static readonly PartnerId P1 = new("partner-1");
    private static readonly PartnerId P2 = new("partner-2");
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    [PostgresFact(RequiresAppRole = true)]
    public async Task AppRole_IsNeitherSuperuserNorOwnerNorBypassRls()
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.App);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT r.rolsuper, r.rolbypassrls, (SELECT count(*) FROM pg_tables t WHERE t.schemaname = $1 AND t.tableowner = current_user) FROM pg_roles r WHERE r.rolname = current_user;",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = SchemaName });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.False(reader.GetBoolean(0));
        Assert.False(reader.GetBoolean(1));
        Assert.Equal(0L, reader.GetInt64(2));
    }

    [PostgresFact]
    public async Task RowLevelSecurity_WrongOrMissingSetting_ReadsNothingInEveryTable()
    {
        await SeedTwoTenantsAsync();
        var connectionString = PostgresTestDatabase.App ?? PostgresTestDatabase.Owner!;

        foreach (var table in new[] { "leads", "opportunities", "partners", "outbox" })
        {
            Assert.Equal(0L, await CountAsync(connectionString, table, scope: null));
            Assert.Equal(0L, await CountAsync(connectionString, table, ("tenant-c", "", "off")));
            Assert.Equal(0L, await CountAsync(connectionString, table, ("", "", "off")));
            Assert.Equal(0L, await CountAsync(PostgresTestDatabase.Owner!, table, scope: null));
        }

        Assert.Equal(3L, await CountAsync(connectionString, "leads", ("tenant-a", "", "off")));
        Assert.Equal(6L, await CountAsync(PostgresTestDatabase.Owner!, "leads", ("", "", "on"))); // only the owner: migration 6
        Assert.Equal(2L, await CountAsync(connectionString, "opportunities", ("tenant-b", "", "off")));
        Assert.Equal(2L, await CountAsync(connectionString, "partners", ("tenant-a", "", "off")));
        Assert.Equal(1L, await CountAsync(connectionString, "leads", ("tenant-a", P1.Value, "off")));
        Assert.Equal(1L, await CountAsync(connectionString, "opportunities", ("tenant-a", P2.Value, "off")));
        Assert.Equal(0L, await CountAsync(connectionString, "outbox", ("tenant-a", P1.Value, "off")));
        Assert.True(await CountAsync(connectionString, "outbox", ("tenant-a", "", "off")) > 0);
    }

    [PostgresFact]
    public async Task RowLevelSecurity_PartnerScope_CannotWrite()
    {
        await SeedTwoTenantsAsync();
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.App ?? PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, $"SELECT set_config('opportunity.tenant', 'tenant-a', true), set_config('opportunity.partner', '{P1.Value}', true);");

        var ex = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, $"UPDATE {SchemaName}.leads SET version = version + 1;"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [PostgresFact]
    public async Task MigrateAsync_TwiceAndConcurrently_RecordsEachMigrationOnce()
    {
        var other = PostgresTestDatabase.OpenStore(SchemaName, Pipelines);
        await using (other)
        {
            await Task.WhenAll(Store.MigrateAsync(), other.MigrateAsync(), Store.MigrateAsync());
        }

        Assert.Equal((long)Schema.PostgreSqlMigrations.All.Count, await OwnerScalarAsync<long>($"SELECT count(*) FROM {SchemaName}.schema_migrations;"));
    }

    [PostgresFact]
    public async Task MigrateAsync_SchemaFromNewerLibrary_Refuses()
    {
        await PostgresTestDatabase.ExecuteAsOwnerAsync($"INSERT INTO {SchemaName}.schema_migrations (version, name) VALUES (999, 'future');");
        await using var older = PostgresTestDatabase.OpenStore(SchemaName, Pipelines);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => older.MigrateAsync());

        Assert.Contains("999", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A schema at version 2 gets migration 3, which computes the duplicate keys of the leads already stored (under FORCE RLS),
    /// and migration 13, which turns them into the hashes the store looks up (computed in SQL there, in .NET by the store).
    /// </summary>
    [PostgresFact]
    public async Task MigrateAsync_FromSchemaTwo_IndexesTheDuplicateKeysOfStoredLeads()
    {
        await Store.Leads.AddAsync(Lead.Capture(TenantA, new LeadId("l-1"), new LeadDetails { Source = "web", Company = "ACME Heizung GmbH", Contact = new LeadContact(null, "a@Acme.de", "+49 89 1234567") }, "system", _clock));
        await Store.Leads.AddAsync(Lead.Capture(TenantB, new LeadId("l-1"), new LeadDetails { Source = "web", Company = "Beta" }, "system", _clock));

        // Back to the schema of release 0.1.0: no key columns, migrations 3 and 13 not recorded.
        await PostgresTestDatabase.ExecuteAsOwnerAsync($"ALTER TABLE {SchemaName}.leads DROP COLUMN dup_company_key, DROP COLUMN dup_email_domain_key, DROP COLUMN dup_phone_key; DELETE FROM {SchemaName}.schema_migrations WHERE version IN (3, 13);");
        await using var upgraded = PostgresTestDatabase.OpenStore(SchemaName, Pipelines);
        await upgraded.MigrateAsync();

        Assert.Equal(["l-1"], await Ids(upgraded.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(TenantA), new DuplicateKeys("acme heizung", null, null))));
        Assert.Equal(["l-1"], await Ids(upgraded.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(TenantA), new DuplicateKeys(null, "acme.de", "891234567"))));
        Assert.Empty(await Ids(upgraded.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(TenantA), new DuplicateKeys("beta", null, null))));
        Assert.Equal(["l-1"], await Ids(upgraded.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(TenantB), new DuplicateKeys("beta", null, null))));
        Assert.Equal(2L, await OwnerScalarAsync<long>($"SELECT count(*) FROM {SchemaName}.leads WHERE dup_company_key IS NOT NULL;", system: true));
    }

    /// <summary>
    /// A schema at version 4 gets migration 5, which counts the open leads already stored per partner
    /// and their latest assignment, and from then on refuses a lead past a partner's capacity.
    /// </summary>
    [PostgresFact]
    public async Task MigrateAsync_FromSchemaFour_CountsTheOpenLeadsOfStoredLeadsAndEnforcesCapacity()
    {
        await Store.Partners.UpsertAsync(new Partners.Partner(TenantA, P1, "One", Partners.PartnerTier.Gold) { Capacity = 3 });
        await Store.Leads.AddAsync(Assigned("l-1", P1));
        var accepted = Assigned("l-2", P1);
        accepted.Accept(P1, _clock);
        await Store.Leads.AddAsync(accepted);
        _clock.Advance(Duration.FromMinutes(5));
        await Store.Leads.AddAsync(Assigned("l-3", P2));
        var rejected = Assigned("l-4", P1);
        rejected.Reject(P1, "busy", _clock);
        await Store.Leads.AddAsync(rejected);
        await Store.Leads.AddAsync(Assigned("l-5", P1));

        // Back to the schema of the previous release: nothing counted, migration 5 not recorded (its claim_due_batch_leads is gone since migration 14).
        await PostgresTestDatabase.ExecuteAsOwnerAsync($"DROP TRIGGER leads_partner_load ON {SchemaName}.leads; DROP FUNCTION {SchemaName}.leads_partner_load(); DROP TABLE {SchemaName}.partner_load; DROP TABLE {SchemaName}.quarantine; ALTER TABLE {SchemaName}.leads DROP COLUMN assigned_at; DROP FUNCTION {SchemaName}.claim_due_batch_opportunities, {SchemaName}.quarantine_claimed_leads, {SchemaName}.quarantine_claimed_opportunities, {SchemaName}.quarantine_all; DELETE FROM {SchemaName}.schema_migrations WHERE version = 5;");
        await using var upgraded = PostgresTestDatabase.OpenStore(SchemaName, Pipelines);
        await upgraded.MigrateAsync();

        var load = await upgraded.Leads.ListPartnerLoadAsync(TenantA);
        Assert.Equal([$"{P1}=3@2025-03-03T09:05:00Z", $"{P2}=1@2025-03-03T09:05:00Z"], load.Select(l => $"{l.Partner}={l.OpenLeads}@{l.LastAssignedAt}"));
        await Assert.ThrowsAsync<PartnerAtCapacityException>(() => upgraded.Leads.AddAsync(Assigned("l-6", P1)));

        Lead Assigned(string id, PartnerId partner)
        {
            var lead = Lead.Capture(TenantA, new LeadId(id), new LeadDetails { Source = "web" }, "system", _clock);
            lead.Qualify(LeadQualification.Full, "system", _clock);
            lead.Assign(partner, _clock.GetCurrentInstant() + Duration.FromDays(1), "router", _clock);
            return lead;
        }
    }

    [PostgresFact]
    public async Task AddAsync_Opportunity_StoresExactMinorUnitsDatesAndUtcInstants()
    {
        var opportunity = Open(TenantA, "o-1", P1, new Money(1_234_567.89m, CurrencyCode.EUR), new LocalDate(2025, 6, 30));
        opportunity.ScheduleNextDue(Instant.FromUtc(2025, 3, 4, 17, 30, 15));
        await Store.Opportunities.AddAsync(opportunity);

        Assert.Equal(123_456_789L, await OwnerScalarAsync<long>($"SELECT amount_minor FROM {SchemaName}.opportunities;", system: true));
        Assert.Equal(new DateOnly(2025, 6, 30), await OwnerScalarAsync<DateOnly>($"SELECT expected_close FROM {SchemaName}.opportunities;", system: true));
        Assert.Equal("2025-03-04 17:30:15", await OwnerScalarAsync<string>($"SELECT to_char(next_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM {SchemaName}.opportunities;", system: true));
    }

    [PostgresFact]
    public async Task FindAsync_CorruptDocument_ThrowsNamingEntityIdAndDocument()
    {
        await Store.Leads.AddAsync(Lead.Capture(TenantA, new LeadId("l-1"), new LeadDetails { Source = "web" }, "system", _clock));
        await OwnerScalarAsync<int>($"UPDATE {SchemaName}.leads SET document = '{{\"id\":\"l-1\"}}'::jsonb; SELECT 1;", system: true);

        var ex = await Assert.ThrowsAsync<StoreDataException>(() => Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("l-1")));

        Assert.Equal(("Lead", "l-1", "document"), (ex.Entity, ex.EntityId, ex.Field));
    }

    /// <summary>
    /// A schema at version 10 gets migration 11, which fills the pipeline columns (stage kind, probability
    /// and category in force, close instant) of the opportunities already stored from their documents:
    /// afterwards the streamed snapshot and the push-down equal the snapshot of the deals.
    /// </summary>
    [PostgresFact]
    public async Task MigrateAsync_FromSchemaTen_FillsThePipelineColumnsOfStoredOpportunities()
    {
        var open = Open(TenantA, "o-open", P1, new Money(1_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30), Probability.FromPercent(35));
        var won = Open(TenantA, "o-won", P2, new Money(2_000m, CurrencyCode.USD), new LocalDate(2025, 12, 31));
        won.CloseWon("signed", "rep", _clock);
        var lost = Open(TenantA, "o-lost", P2, new Money(3_000m, CurrencyCode.EUR), new LocalDate(2025, 4, 30));
        lost.CloseLost("budget", "rep", _clock);
        foreach (var o in new[] { open, won, lost })
        {
            await Store.Opportunities.AddAsync(o);
        }

        // Back to the schema before: no pipeline columns (dropping them drops migration 18's index of them), migrations 11 and 18 not recorded.
        await PostgresTestDatabase.ExecuteAsOwnerAsync($"ALTER TABLE {SchemaName}.opportunities DROP COLUMN stage_kind, DROP COLUMN probability_bp, DROP COLUMN forecast_category, DROP COLUMN closed_at; DELETE FROM {SchemaName}.schema_migrations WHERE version IN (11, 18);");
        await using var upgraded = PostgresTestDatabase.OpenStore(SchemaName, Pipelines);
        await upgraded.MigrateAsync();

        var options = new Forecasting.PipelineSnapshotOptions { IncludeClosedWon = true };
        var scope = AccessScope.Manufacturer(TenantA);
        var expected = Forecasting.PipelineSnapshot.FromOpportunities([open, won, lost], options).Group(Forecasting.PipelineDimension.Partner, Forecasting.PipelineDimension.CloseMonth).Groups.ToList();
        var streamed = (await Forecasting.PipelineSnapshot.FromStoreAsync(upgraded.Opportunities, scope, options)).Group(Forecasting.PipelineDimension.Partner, Forecasting.PipelineDimension.CloseMonth).Groups;
        var pushed = await upgraded.PushDown.AggregatePipelineAsync(scope, Forecasting.PipelineGrouping.By(Forecasting.PipelineDimension.Partner, Forecasting.PipelineDimension.CloseMonth), options);
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected, streamed);
        Assert.Equal(expected, pushed);
        Assert.Equal(3L, await OwnerScalarAsync<long>($"SELECT count(*) FROM {SchemaName}.opportunities WHERE stage_kind IS NOT NULL AND probability_bp IS NOT NULL;", system: true));
        Assert.Equal(1L, await OwnerScalarAsync<long>($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{SchemaName}' AND indexname = 'opportunities_pipeline';"));
    }

    /// <summary>A quarantined opportunity stays out of the streamed pipeline and the push-down, as it stays out of queries; the others count.</summary>
    [PostgresFact]
    public async Task ReadPipelineRowsAsync_QuarantinedOpportunity_LeftOutOfStreamPushDownAndFeedRows()
    {
        var kept = Open(TenantA, "o-kept", P1, new Money(1_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30));
        var held = Open(TenantA, "o-held", P1, new Money(7_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30));
        await Store.Opportunities.AddAsync(kept);
        await Store.Opportunities.AddAsync(held);
        var scope = AccessScope.Manufacturer(TenantA);
        Assert.Equal(2, (await Forecasting.PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope)).Count);

        await PostgresTestDatabase.ExecuteAsOwnerAsync($"BEGIN; SELECT set_config('opportunity.tenant', '{TenantA}', true); INSERT INTO {SchemaName}.quarantine (tenant, kind, id, reason, quarantined_at) VALUES ('{TenantA}', 'SalesOpportunity', 'o-held', 'unreadable', now()); COMMIT;");

        var expected = Forecasting.PipelineSnapshot.FromOpportunities([kept]).Total().Groups.ToList();
        var streamed = await Forecasting.PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope);
        Assert.Equal(1, streamed.Count);
        Assert.Equal(expected, streamed.Total().Groups);
        Assert.Equal(expected, await Store.PushDown.AggregatePipelineAsync(scope, Forecasting.PipelineGrouping.Total));

        // The change feed carries both writes; the quarantined deal's entry has no row (the follower drops it).
        var feed = await Store.ChangeFeed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 10);
        Assert.Equal(["o-kept", "o-held"], feed.Changes.Select(c => c.Id.Value));
        Assert.Equal(StoredPipelineRow.Of(kept), feed.Changes[0].Row);
        Assert.Null(feed.Changes[1].Row);
    }

    [PostgresFact]
    public async Task RoutingDecisions_RowLevelSecurity_OnlyTheManufacturerOfTheTenantReads()
    {
        await Store.DecisionLog.AppendAsync(TenantA, Decision("lead-1", P1));
        var connectionString = PostgresTestDatabase.App ?? PostgresTestDatabase.Owner!;

        Assert.Equal(1L, await CountAsync(connectionString, "routing_decisions", ("tenant-a", "", "off")));
        Assert.Equal(0L, await CountAsync(connectionString, "routing_decisions", ("tenant-a", P1.Value, "off")));
        Assert.Equal(0L, await CountAsync(connectionString, "routing_decisions", ("tenant-b", "", "off")));
        Assert.Equal(0L, await CountAsync(connectionString, "routing_decisions", scope: null));
        Assert.Equal(0L, await CountAsync(PostgresTestDatabase.Owner!, "routing_decisions", scope: null));
    }

    [PostgresFact]
    public async Task RoutingDecisions_UpdateOrDelete_ChangesNothingEvenForTheOwner()
    {
        await Store.DecisionLog.AppendAsync(TenantA, Decision("lead-1", P1));

        Assert.Equal(0, await OwnerScalarAsync<int>($"WITH changed AS (UPDATE {SchemaName}.routing_decisions SET explanation = 'rewritten' RETURNING 1) SELECT count(*)::int FROM changed;", system: true));
        Assert.Equal(0, await OwnerScalarAsync<int>($"WITH gone AS (DELETE FROM {SchemaName}.routing_decisions RETURNING 1) SELECT count(*)::int FROM gone;", system: true));
        var stored = Assert.Single(await Store.DecisionLog.ForLeadAsync(TenantA, new LeadId("lead-1")));
        Assert.Equal("why", stored.Explanation);
    }

    [PostgresFact(RequiresAppRole = true)]
    public async Task RoutingDecisions_AppRole_MayNotUpdate()
    {
        await Store.DecisionLog.AppendAsync(TenantA, Decision("lead-1", P1));
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.App);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, "SELECT set_config('opportunity.tenant', 'tenant-a', true);");

        var ex = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, $"UPDATE {SchemaName}.routing_decisions SET explanation = 'rewritten';"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [PostgresFact]
    public async Task RoutingDecisions_AtWithNanoseconds_StoredAsMicrosecondsPlusNanosAndReadBackExactly()
    {
        var at = Instant.FromUtc(2025, 3, 4, 10, 0) + Duration.FromNanoseconds(1_234_567);
        await Store.DecisionLog.AppendAsync(TenantA, Decision("lead-1", P1) with { At = at });

        Assert.Equal(567, await OwnerScalarAsync<int>($"SELECT at_nanos FROM {SchemaName}.routing_decisions;", system: true));
        Assert.Equal(at, Assert.Single(await Store.DecisionLog.ForLeadAsync(TenantA, new LeadId("lead-1"))).At);
    }

    [PostgresFact]
    public async Task RoutingDecisions_NulCharacterOrUndefinedOutcome_ThrowsNamingTheFieldAndWritesNothing()
    {
        var nul = await Assert.ThrowsAsync<StoreDataException>(() => Store.DecisionLog.AppendAsync(TenantA, Decision("lead-1", P1) with { Explanation = "a\0b" }));
        var outcome = await Assert.ThrowsAsync<StoreDataException>(() => Store.DecisionLog.AppendAsync(TenantA, Decision("lead-1", P1) with { Outcome = (RoutingOutcome)42 }));

        Assert.Equal((StoredValues.RoutingDecisionEntity, "lead-1", nameof(RoutingDecisionRecord.Explanation)), (nul.Entity, nul.EntityId, nul.Field));
        Assert.Equal(nameof(RoutingDecisionRecord.Outcome), outcome.Field);
        Assert.Empty(await Store.DecisionLog.ForLeadAsync(TenantA, new LeadId("lead-1")));
    }

    [Fact]
    public async Task Store_ServerUnreachable_FailsInsteadOfSkipping()
    {
        await using var store = new PostgreSqlStore("Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=3");

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("x")));
    }

    [Fact]
    public void Constructor_InvalidSchemaName_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PostgreSqlStore(new PostgreSqlStoreOptions { ConnectionString = "Host=x", Schema = "Bad-Name" }));

        Assert.Contains(nameof(PostgreSqlStoreOptions.Schema), ex.Message, StringComparison.Ordinal);
    }

    private RoutingDecisionRecord Decision(string lead, PartnerId partner) =>
        new(new LeadId(lead), _clock.GetCurrentInstant(), "rules", "1", RoutingOutcome.Assigned, [partner], 7, null, "why");

    private SalesOpportunity Open(TenantId tenant, string id, PartnerId partner, Money amount, LocalDate close, Probability? probability = null) =>
        SalesOpportunity.Open(tenant, new OpportunityId(id), new SalesOpportunityDraft(partner, amount, close) { ProbabilityOverride = probability }, PipelineDefinition.Default, "system", _clock);

    /// <summary>Per tenant: leads assigned to P1 and P2 plus one captured; opportunities of P1 and P2; both partners.</summary>
    private async Task SeedTwoTenantsAsync()
    {
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            foreach (var partner in new[] { P1, P2 })
            {
                var lead = Lead.Capture(tenant, new LeadId($"lead-{partner}"), new LeadDetails { Source = "web" }, "system", _clock);
                lead.Qualify(LeadQualification.Full, "system", _clock);
                lead.Assign(partner, _clock.GetCurrentInstant() + Duration.FromDays(1), "router", _clock);
                await Store.Leads.AddAsync(lead);
                await Store.Opportunities.AddAsync(Open(tenant, $"opp-{partner}", partner, new Money(10m, CurrencyCode.EUR), new LocalDate(2025, 6, 1)));
                await Store.Partners.UpsertAsync(new Partners.Partner(tenant, partner, $"{tenant} {partner}", Partners.PartnerTier.Gold));
            }

            await Store.Leads.AddAsync(Lead.Capture(tenant, new LeadId("lead-unassigned"), new LeadDetails { Source = "web" }, "system", _clock));
        }
    }

    private async Task<long> CountAsync(string connectionString, string table, (string Tenant, string Partner, string System)? scope)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (scope is { } s)
        {
            await ExecuteAsync(connection, $"SELECT set_config('opportunity.tenant', '{s.Tenant}', true), set_config('opportunity.partner', '{s.Partner}', true), set_config('opportunity.system', '{s.System}', true);");
        }

        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {SchemaName}.{table};", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
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

    private async Task<T> OwnerScalarAsync<T>(string sql, bool system = false)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (system)
        {
            await ExecuteAsync(connection, "SELECT set_config('opportunity.system', 'on', true);");
        }

        await using var command = new NpgsqlCommand(sql, connection);
        var result = (T)(await command.ExecuteScalarAsync())!;
        await transaction.CommitAsync();
        return result;
    }
}
