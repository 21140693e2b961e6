using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// Migrations 13 (duplicate keys as hashes) and 14 (lead documents without their column values) on a database at
/// version 11 with a lead as that version stored it: it stays readable, findable by each key, claimable and writable.
/// </summary>
public sealed class PostgreSqlLeanLeadRowsMigrationTests
{
    private static readonly TenantId Tenant = new("tenant-a");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 9, 0));

    [PostgresFact]
    public async Task MigrateAsync_FromVersionElevenWithAnAssignedLead_KeepsItReadableFindableClaimableAndWritable()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        try
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());");
            foreach (var (version, name, sql) in PostgreSqlMigrations.All.Where(m => m.Version <= PostgreSqlMigrations.PipelineColumnsVersion))
            {
                await PostgresTestDatabase.ExecuteAsOwnerAsync(sql.Replace("{s}", schema, StringComparison.Ordinal) + $"; INSERT INTO {schema}.schema_migrations (version, name) VALUES ({version}, '{name.Replace("'", "''", StringComparison.Ordinal)}');");
            }

            // An assigned lead as version 11 stored it: the complete document (id, tenant, state, partner and version
            // included) and its duplicate keys as text, due an hour later (as an escalation policy would make it).
            var lead = Lead.Capture(Tenant, new LeadId("L-1"), Details(), "web", _clock);
            lead.Qualify(LeadQualification.Full, "sales", _clock);
            lead.Assign(new PartnerId("P-1"), _clock.GetCurrentInstant() + Duration.FromHours(1), "router", _clock);
            var stored = lead.ToSnapshot() with { Version = 1, NextDueAt = _clock.GetCurrentInstant() + Duration.FromHours(1) };
            var keys = DuplicateKeys.Normalised(lead.Details);
            await InsertAsOwnerAsync(
                $"INSERT INTO {schema}.leads (tenant, id, state, assigned_partner, next_due_at, assigned_at, version, document, dup_company, dup_email_domain, dup_phone) VALUES ('tenant-a', 'L-1', 'Assigned', 'P-1', $1, $2, 1, $3::json, $4, $5, $6);",
                stored.NextDueAt!.Value.ToDateTimeUtc(),
                stored.AssignedAt!.Value.ToDateTimeUtc(),
                SnapshotJson.Serialize(stored),
                keys.Company!,
                keys.EmailDomain!,
                keys.Phone!);

            await using var store = PostgresTestDatabase.OpenStore(schema, new PipelineCatalog());
            await store.MigrateAsync();

            Assert.True((await store.GetSchemaStatusAsync()).IsCurrent);
            var manufacturer = AccessScope.Manufacturer(Tenant);
            Assert.Equal(SnapshotJson.Serialize(stored), SnapshotJson.Serialize((await store.Leads.FindAsync(manufacturer, lead.Id))!.ToSnapshot()));
            foreach (var probe in new[] { new DuplicateKeys(keys.Company, null, null), new DuplicateKeys(null, keys.EmailDomain, null), new DuplicateKeys(null, null, keys.Phone) })
            {
                Assert.Equal(lead.Id, Assert.Single(await ToListAsync(store.Leads.FindDuplicateCandidatesAsync(manufacturer, probe))).Id);
            }

            Assert.Empty(await ToListAsync(store.Leads.FindDuplicateCandidatesAsync(manufacturer, new DuplicateKeys("another company", null, null))));
            Assert.Empty(await ToListAsync(store.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(new TenantId("tenant-b")), keys)));

            _clock.Advance(Duration.FromHours(2));
            var claimed = Assert.Single(await store.Leads.ClaimDueAsync(new DueWorkClaim(_clock.GetCurrentInstant(), 10, "host", Duration.FromMinutes(5))));
            Assert.Equal(SnapshotJson.Serialize(stored), SnapshotJson.Serialize(claimed.ToSnapshot()));

            claimed.Recall("sla", _clock);
            await store.Leads.UpdateAsync(claimed);
            var updated = (await store.Leads.FindAsync(manufacturer, lead.Id))!;
            Assert.Equal((LeadState.SlaExpired, 2L, "P-1"), (updated.State, updated.Version, updated.AssignedPartner?.Value));
            Assert.Equal(lead.Id, Assert.Single(await ToListAsync(store.Leads.FindDuplicateCandidatesAsync(manufacturer, new DuplicateKeys(null, keys.EmailDomain, null)))).Id);
            var document = await OwnerScalarAsync($"SELECT document::text FROM {schema}.leads;");
            Assert.DoesNotContain("\"state\"", document, StringComparison.Ordinal);
            Assert.DoesNotContain("\"tenant\"", document, StringComparison.Ordinal);
        }
        finally
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
        }
    }

    private static LeadDetails Details() => new()
    {
        Source = "web-form",
        Company = "ACME Heating GmbH",
        Contact = new LeadContact("Ada Example", "ada@acme-heating.example", "+49 89 1234567"),
        Location = new LeadLocation(new CountryCode("DE"), "80331"),
        ProductInterest = "heat-pumps",
        Language = "de",
    };

    // As the owner in the tenant's scope (row-level security is forced on the owner too), one statement per command.
    private static async Task InsertAsOwnerAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var scope = new NpgsqlCommand("SELECT set_config('opportunity.tenant', 'tenant-a', true);", connection, transaction))
        {
            await scope.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    // The value sql reads as the owner in the tenant's scope.
    private static async Task<string> OwnerScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var scope = new NpgsqlCommand("SELECT set_config('opportunity.tenant', 'tenant-a', true);", connection, transaction))
        {
            await scope.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
