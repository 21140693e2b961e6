using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Leads;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// Row-level security against the app role itself (issue 11, defect 7): no setting the app role can
/// change lifts isolation; cross-tenant work runs only inside the owner's functions; the append-only
/// routing decisions refuse TRUNCATE; a schema of the previous release migrates to all of it.
/// </summary>
public sealed class PostgreSqlRowLevelSecurityTests : PostgresSchemaTest
{
    private static readonly TenantId TenantA = new("tenant-a");
    private static readonly TenantId TenantB = new("tenant-b");
    private static readonly PartnerId P1 = new("partner-1");

    // Every table with a statement that would change every visible row of it.
    private static readonly (string Table, string Update)[] Tables =
    [
        ("leads", "UPDATE {0}.leads SET version = version + 100 WHERE tenant = 'tenant-b'"),
        ("opportunities", "UPDATE {0}.opportunities SET version = version + 100 WHERE tenant = 'tenant-b'"),
        ("partners", "UPDATE {0}.partners SET name = 'hijacked' WHERE tenant = 'tenant-b'"),
        ("outbox", "UPDATE {0}.outbox SET topic = 'hijacked' WHERE tenant = 'tenant-b'"),
        ("routing_decisions", "UPDATE {0}.routing_decisions SET explanation = 'hijacked' WHERE tenant = 'tenant-b'"),
        ("sales_targets", "UPDATE {0}.sales_targets SET amount_minor = 1 WHERE tenant = 'tenant-b'"),
        ("forecast_snapshots", "UPDATE {0}.forecast_snapshots SET expected_minor = 1 WHERE tenant = 'tenant-b'"),
        ("field_history", "UPDATE {0}.field_history SET actor = 'hijacked' WHERE tenant = 'tenant-b'"),
        ("forecast_adjustments", "UPDATE {0}.forecast_adjustments SET reason = 'hijacked' WHERE tenant = 'tenant-b'"),
        ("forecast_snapshot_runs", "UPDATE {0}.forecast_snapshot_runs SET owner = 'hijacked' WHERE tenant = 'tenant-b'"),
    ];

    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    /// <summary>
    /// The app role sets <c>opportunity.system</c> (for the session and for the transaction), clears the
    /// partner, or switches <c>row_security</c> off, while scoped to tenant A or to no tenant: no row of
    /// tenant B is read or changed in any table (0.1.0: all of them were).
    /// </summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task Settings_AsAppRole_NeitherRevealNorChangeAnotherTenantsRowsInAnyTable()
    {
        await SeedTwoTenantsAsync();
        string[] attempts =
        [
            "SET opportunity.system = 'on'",
            "SELECT set_config('opportunity.system', 'on', true), set_config('opportunity.tenant', 'tenant-a', true)",
            "SELECT set_config('opportunity.system', 'on', false), set_config('opportunity.tenant', 'tenant-a', false), set_config('opportunity.partner', '', false)",
        ];

        foreach (var attempt in attempts)
        {
            foreach (var (table, update) in Tables)
            {
                Assert.Equal(0L, await AsAppAsync(attempt, c => ScalarAsync<long>(c, $"SELECT count(*) FROM {SchemaName}.{table} WHERE tenant = 'tenant-b';")));
                var changed = await AsAppAsync(attempt, async c =>
                {
                    try
                    {
                        return await ExecuteAsync(c, string.Format(System.Globalization.CultureInfo.InvariantCulture, update, SchemaName));
                    }
                    catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                    {
                        return 0; // routing_decisions: no UPDATE grant at all
                    }
                });
                Assert.Equal(0, changed);
            }
        }

        // row_security = off makes a query that row-level security would filter fail instead of bypassing it.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => AsAppAsync("SET row_security = off", c => ScalarAsync<long>(c, $"SELECT count(*) FROM {SchemaName}.leads;")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);

        // Nothing of tenant B changed, as the owner sees it.
        Assert.Equal(0L, await AsOwnerSystemAsync($"SELECT (SELECT count(*) FROM {SchemaName}.leads WHERE tenant = 'tenant-b' AND version > 100) + (SELECT count(*) FROM {SchemaName}.opportunities WHERE tenant = 'tenant-b' AND version > 100) + (SELECT count(*) FROM {SchemaName}.partners WHERE name = 'hijacked') + (SELECT count(*) FROM {SchemaName}.outbox WHERE topic = 'hijacked');"));
        Assert.Equal(2L, await AsOwnerSystemAsync($"SELECT count(*) FROM {SchemaName}.leads WHERE tenant = 'tenant-b';"));
        Assert.Equal(0L, await AsOwnerSystemAsync($"SELECT (SELECT count(*) FROM {SchemaName}.sales_targets WHERE amount_minor = 1) + (SELECT count(*) FROM {SchemaName}.forecast_snapshots WHERE expected_minor = 1);"));
        Assert.Equal(0L, await AsOwnerSystemAsync($"SELECT count(*) FROM {SchemaName}.field_history WHERE actor = 'hijacked';"));
        Assert.Equal(0L, await AsOwnerSystemAsync($"SELECT (SELECT count(*) FROM {SchemaName}.forecast_adjustments WHERE reason = 'hijacked') + (SELECT count(*) FROM {SchemaName}.forecast_snapshot_runs WHERE owner = 'hijacked');"));
        Assert.Equal(2L, await AsOwnerSystemAsync($"SELECT (SELECT count(*) FROM {SchemaName}.forecast_adjustments WHERE tenant = 'tenant-b') + (SELECT count(*) FROM {SchemaName}.forecast_snapshot_runs WHERE tenant = 'tenant-b');"));
        Assert.Equal(12L, await AsOwnerSystemAsync($"SELECT count(*) FROM {SchemaName}.field_history WHERE tenant = 'tenant-b';"));
    }

    /// <summary>The owner's functions cannot be replaced, altered or dropped by the app role, which may only execute them.</summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task SystemFunctions_AsAppRole_CannotBeReplacedOrAltered()
    {
        string[] attempts =
        [
            $"CREATE OR REPLACE FUNCTION {SchemaName}.outbox_leased_tenant(p_id text, p_owner text) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;",
            $"ALTER FUNCTION {SchemaName}.claim_outbox(timestamptz, text, integer, timestamptz) SECURITY INVOKER;",
            $"DROP FUNCTION {SchemaName}.outbox_pending();",
            $"DROP TRIGGER routing_decisions_no_truncate ON {SchemaName}.routing_decisions;",
            $"SET ROLE {new NpgsqlConnectionStringBuilder(PostgresTestDatabase.Owner).Username};",
        ];

        foreach (var sql in attempts)
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => AsAppAsync(null, c => ExecuteAsync(c, sql)));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
    }

    /// <summary>
    /// Each function switches <c>opportunity.system</c> on for its own body only: afterwards the caller's
    /// transaction has its previous value again (an owner-run store would otherwise see every tenant for
    /// the rest of the transaction).
    /// </summary>
    [PostgresFact]
    public async Task SystemFunctions_AfterReturning_LeaveTheSystemSettingAsItWas()
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, "SELECT set_config('opportunity.system', 'off', true), set_config('opportunity.tenant', 'tenant-a', true);");
        string[] calls =
        [
            $"SELECT {SchemaName}.outbox_leased_tenant('m', 'host');",
            $"SELECT {SchemaName}.requeue_dead_letter('m', now());",
            $"SELECT count(*) FROM {SchemaName}.outbox_pending();",
            $"SELECT count(*) FROM {SchemaName}.outbox_dead_letters();",
            $"SELECT count(*) FROM {SchemaName}.claim_outbox(now(), 'host', 10, now());",
            $"SELECT count(*) FROM {SchemaName}.claim_due_leads(now(), 'host', 10, now());",
            $"SELECT count(*) FROM {SchemaName}.claim_due_opportunities(now(), 'host', 10, now());",
        ];

        foreach (var call in calls)
        {
            await ExecuteAsync(connection, call);
            Assert.Equal("off", await ScalarAsync<string>(connection, "SELECT current_setting('opportunity.system', true);"));
        }
    }

    /// <summary>Cross-tenant claims still work for the app role, through the owner's functions: due leads, due opportunities and outbox messages of both tenants.</summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task Claims_AsAppRole_ReachBothTenantsOnlyThroughTheOwnersFunctions()
    {
        await SeedTwoTenantsAsync();
        var later = _clock.GetCurrentInstant() + Duration.FromDays(2);
        var claim = new DueWorkClaim(later, 100, "host-1", Duration.FromMinutes(5));

        var leads = await Store.Leads.ClaimDueAsync(claim);
        var deals = await Store.Opportunities.ClaimDueAsync(claim);
        var messages = await Store.Outbox.ClaimAsync(claim);

        Assert.Equal(["tenant-a/lead-1", "tenant-a/lead-2", "tenant-b/lead-1", "tenant-b/lead-2"], leads.Select(l => $"{l.Tenant}/{l.Id}"));
        Assert.Equal(["tenant-a/opp", "tenant-b/opp"], deals.Select(o => $"{o.Tenant}/{o.Id}"));
        Assert.Subset(messages.Select(m => m.Id).ToHashSet(), new HashSet<string> { "tenant-a/notice", "tenant-b/notice" });
        Assert.Equal(0L, await AsAppAsync("SET opportunity.system = 'on'", c => ScalarAsync<long>(c, $"SELECT count(*) FROM {SchemaName}.leads;")));
    }

    /// <summary>TRUNCATE of the append-only routing decisions is refused, even for the owner (row-level security does not cover TRUNCATE; a statement-level trigger does).</summary>
    [PostgresFact]
    public async Task RoutingDecisions_Truncate_RefusedEvenForTheOwner()
    {
        await Store.DecisionLog.AppendAsync(TenantA, new RoutingDecisionRecord(new LeadId("l-1"), _clock.GetCurrentInstant(), "rules", "1", RoutingOutcome.Assigned, [P1], 7, null, "why"));

        var ex = await Assert.ThrowsAsync<PostgresException>(() => PostgresTestDatabase.ExecuteAsOwnerAsync($"TRUNCATE {SchemaName}.routing_decisions;"));

        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, ex.SqlState);
        Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
        Assert.Single(await Store.DecisionLog.ForLeadAsync(TenantA, new LeadId("l-1")));
    }

    /// <summary>The field history is append-only like the decisions: TRUNCATE is refused even for the owner, and the history stays readable.</summary>
    [PostgresFact]
    public async Task FieldHistory_Truncate_RefusedEvenForTheOwner()
    {
        await Store.Leads.AddAsync(Lead.Capture(TenantA, new LeadId("l-1"), new LeadDetails { Source = "web" }, "system", _clock));

        var ex = await Assert.ThrowsAsync<PostgresException>(() => PostgresTestDatabase.ExecuteAsOwnerAsync($"TRUNCATE {SchemaName}.field_history;"));

        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, ex.SqlState);
        Assert.Single((await Store.FieldHistory.ReadHistoryAsync(TenantA, AuditedRecord.Of(new LeadId("l-1")))).Changes);
    }

    /// <summary>
    /// A schema of the previous release (migrations 1–3, where the app role could set
    /// <c>opportunity.system</c>) migrates: afterwards the setting reveals nothing to the app role, the
    /// store still claims across tenants, and TRUNCATE is refused.
    /// </summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task MigrateAsync_FromSchemaThree_ClosesTheSystemSettingAndKeepsClaimsWorking()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        var app = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.App).Username!;
        try
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());");
            // Migrations 5, 7, 8, 13 and 36 too: this library's lead writes need their columns and tables (assigned_at, the
            // partner_load counters; outbox_purged, read by every enqueue; the hashed duplicate keys; the field history); 6 is under test.
            foreach (var (version, name, sql) in PostgreSqlMigrations.All.Where(m => m.Version is <= 3 or PostgreSqlMigrations.CapacityAndQuarantineVersion or PostgreSqlMigrations.StorageGrowthVersion or PostgreSqlMigrations.PackedPurgedIdsVersion or PostgreSqlMigrations.HashedDuplicateKeysVersion or PostgreSqlMigrations.FieldHistoryVersion))
            {
                await PostgresTestDatabase.ExecuteAsOwnerAsync(sql.Replace("{s}", schema, StringComparison.Ordinal) + $"; INSERT INTO {schema}.schema_migrations (version, name) VALUES ({version}, '{name}');");
            }

            await PostgresTestDatabase.ExecuteAsOwnerAsync($"GRANT USAGE ON SCHEMA {schema} TO {app}; GRANT SELECT, INSERT, UPDATE ON {schema}.leads, {schema}.opportunities, {schema}.partners, {schema}.outbox, {schema}.partner_load TO {app}; GRANT SELECT, INSERT ON {schema}.routing_decisions, {schema}.field_history TO {app}; GRANT SELECT ON {schema}.outbox_purged TO {app};");
            var options = new PostgreSqlStoreOptions { ConnectionString = PostgresTestDatabase.App!, MigrationConnectionString = PostgresTestDatabase.Owner, Schema = schema, AutoMigrate = false, GrantTo = { app } };
            await using var upgraded = new PostgreSqlStore(options, Pipelines);
            foreach (var tenant in new[] { TenantA, TenantB })
            {
                var lead = Lead.Capture(tenant, new LeadId("l"), new LeadDetails { Source = "web" }, "system", _clock);
                lead.Qualify(LeadQualification.Full, "system", _clock);
                lead.Assign(P1, _clock.GetCurrentInstant() + Duration.FromDays(1), "router", _clock);
                lead.ScheduleNextDue(_clock.GetCurrentInstant() + Duration.FromDays(1));
                await upgraded.Leads.AddAsync(lead);
            }

            Assert.Equal(2L, await AsAppAsync("SET opportunity.system = 'on'", c => ScalarAsync<long>(c, $"SELECT count(*) FROM {schema}.leads;"))); // the defect, before migrating

            await upgraded.MigrateAsync();

            Assert.Equal(0L, await AsAppAsync("SET opportunity.system = 'on'", c => ScalarAsync<long>(c, $"SELECT count(*) FROM {schema}.leads;")));
            Assert.Equal(0, await AsAppAsync("SET opportunity.system = 'on'", c => ExecuteAsync(c, $"UPDATE {schema}.leads SET version = 7;")));
            var claimed = await upgraded.Leads.ClaimDueAsync(new DueWorkClaim(_clock.GetCurrentInstant() + Duration.FromDays(2), 10, "host", Duration.FromMinutes(1)));
            Assert.Equal(["tenant-a/l", "tenant-b/l"], claimed.Select(l => $"{l.Tenant}/{l.Id}"));
            var ex = await Assert.ThrowsAsync<PostgresException>(() => PostgresTestDatabase.ExecuteAsOwnerAsync($"TRUNCATE {schema}.routing_decisions;"));
            Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, ex.SqlState);
        }
        finally
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
        }
    }

    /// <summary>
    /// Outbox retention under the app role (migrations 7 and 8): the purge of both tenants' delivered messages runs
    /// only inside the owner's <c>purge_delivered</c>; the app role can neither delete outbox rows nor write
    /// <c>outbox_purged</c>, reads only its tenant's purged keys, and a purged id enqueued again stays out; the owner
    /// can neither truncate <c>outbox_purged</c> nor drop a remembered key from it.
    /// </summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task PurgeDelivered_AsAppRole_ReachesBothTenantsOnlyThroughTheOwnersFunction()
    {
        await SeedTwoTenantsAsync();
        var now = _clock.GetCurrentInstant();
        var claimed = await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 100, "host", Duration.FromMinutes(5)));
        Assert.Equal(["tenant-a", "tenant-b"], claimed.Select(m => m.Tenant.Value).Distinct().Order(StringComparer.Ordinal));
        foreach (var message in claimed)
        {
            Assert.True(await Store.Outbox.CompleteAsync(message.Id, "host", now));
        }

        var deleteOutbox = await Assert.ThrowsAsync<PostgresException>(() => AsAppAsync("SELECT set_config('opportunity.tenant', 'tenant-a', false)", c => ExecuteAsync(c, $"DELETE FROM {SchemaName}.outbox;")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, deleteOutbox.SqlState);
        var forge = await Assert.ThrowsAsync<PostgresException>(() => AsAppAsync("SELECT set_config('opportunity.tenant', 'tenant-a', false)", c => ExecuteAsync(c, $"INSERT INTO {SchemaName}.outbox_purged (tenant, bucket, keys) VALUES ('tenant-a', 0, '{{42}}');")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, forge.SqlState);

        Assert.Equal(claimed.Count, await Store.Outbox.PurgeDeliveredAsync(now + Duration.FromSeconds(1), 1000));

        Assert.Equal(0L, await AsOwnerSystemAsync($"SELECT count(*) FROM {SchemaName}.outbox;"));
        Assert.Equal((long)claimed.Count, await AsOwnerSystemAsync($"SELECT sum(cardinality(keys)) FROM {SchemaName}.outbox_purged;"));
        const string ScopeA = "SELECT set_config('opportunity.system', 'on', false), set_config('opportunity.tenant', 'tenant-a', false)";
        Assert.Equal(0L, await AsAppAsync(ScopeA, c => ScalarAsync<long>(c, $"SELECT count(*) FROM {SchemaName}.outbox_purged WHERE tenant = 'tenant-b';")));
        Assert.Equal((long)claimed.Count(m => m.Tenant == TenantA), await AsAppAsync(ScopeA, c => ScalarAsync<long>(c, $"SELECT coalesce(sum(cardinality(keys)), 0) FROM {SchemaName}.outbox_purged;")));

        await Store.Outbox.EnqueueAsync([new OutboxMessage($"{TenantB}/notice", TenantB, "notification", "test", "{}", now)]);
        Assert.Empty(await Store.Outbox.ListPendingAsync());
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => PostgresTestDatabase.ExecuteAsOwnerAsync($"TRUNCATE {SchemaName}.outbox_purged;"));
        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, truncate.SqlState);
        var forget = await Assert.ThrowsAsync<PostgresException>(() => AsOwnerSystemAsync($"UPDATE {SchemaName}.outbox_purged SET keys = keys[2:] RETURNING 1::bigint;"));
        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, forget.SqlState);
    }

    /// <summary>Per tenant: two leads assigned to P1 (due in a day), one opportunity due in a day, a partner, a routing decision, a sales target, a forecast snapshot — and their outbox messages.</summary>
    private async Task SeedTwoTenantsAsync()
    {
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            foreach (var id in new[] { "lead-1", "lead-2" })
            {
                var lead = Lead.Capture(tenant, new LeadId(id), new LeadDetails { Source = "web" }, "system", _clock);
                lead.Qualify(LeadQualification.Full, "system", _clock);
                lead.Assign(P1, _clock.GetCurrentInstant() + Duration.FromDays(1), "router", _clock);
                lead.ScheduleNextDue(_clock.GetCurrentInstant() + Duration.FromDays(1));
                await Store.Leads.AddAsync(lead);
            }

            var deal = SalesOpportunity.Open(tenant, new OpportunityId("opp"), new SalesOpportunityDraft(P1, new Money(10m, CurrencyCode.EUR), new LocalDate(2025, 6, 1)), PipelineDefinition.Default, "system", _clock);
            deal.ScheduleNextDue(_clock.GetCurrentInstant() + Duration.FromDays(1));
            await Store.Opportunities.AddAsync(deal);
            await Store.Partners.UpsertAsync(new Partners.Partner(tenant, P1, $"{tenant} {P1}", Partners.PartnerTier.Gold));
            await Store.DecisionLog.AppendAsync(tenant, new RoutingDecisionRecord(new LeadId("lead-1"), _clock.GetCurrentInstant(), "rules", "1", RoutingOutcome.Assigned, [P1], 7, null, "why"));
            await Store.Outbox.EnqueueAsync([new OutboxMessage($"{tenant}/notice", tenant, "notification", "test", "{}", _clock.GetCurrentInstant())]);
            var quarter = FiscalCalendar.CalendarYear.Quarter(2025, 2);
            await Store.Targets.SaveTargetAsync(tenant, new SalesTarget(quarter, new Money(10m, CurrencyCode.EUR)));
            var zero = Money.Zero(CurrencyCode.EUR);
            await Store.ForecastSnapshots.SaveAsync(tenant, new ForecastSnapshot { Period = quarter, TakenOn = new LocalDate(2025, 3, 3), Currency = CurrencyCode.EUR, Expected = zero, P10 = zero, P50 = zero, P90 = zero, CommitForecast = zero, BestCaseForecast = zero, ByCategory = new Dictionary<ForecastCategory, Money>() });
            await Store.ForecastAdjustments.AddAdjustmentAsync(tenant, new ForecastAdjustment("network", quarter, ForecastCategory.Commit, zero, "anna@acme.example", _clock.GetCurrentInstant(), "why"));
            await Store.ForecastSnapshotRuns.TryClaimRunAsync(tenant, new LocalDate(2025, 3, 3), "host-1", _clock.GetCurrentInstant(), Duration.FromMinutes(5));
        }

        Assert.Equal(2L, await AsOwnerSystemAsync($"SELECT count(*) FROM {SchemaName}.leads WHERE tenant = 'tenant-b';"));
    }

    /// <summary>Runs <paramref name="work"/> as the app role in a transaction begun after <paramref name="setup"/> (a session setting) and set up again inside it.</summary>
    private static async Task<T> AsAppAsync<T>(string? setup, Func<NpgsqlConnection, Task<T>> work)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.App);
        await connection.OpenAsync();
        if (setup is not null)
        {
            await ExecuteAsync(connection, setup + ";");
        }

        await using var transaction = await connection.BeginTransactionAsync();
        if (setup is not null)
        {
            await ExecuteAsync(connection, setup + ";");
        }

        var result = await work(connection);
        await transaction.CommitAsync();
        return result;
    }

    private static async Task<long> AsOwnerSystemAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, "SELECT set_config('opportunity.system', 'on', true);");
        return await ScalarAsync<long>(connection, sql);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }
}
