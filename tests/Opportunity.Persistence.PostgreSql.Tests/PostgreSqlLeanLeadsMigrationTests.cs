using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>Migration 10 on a database 0.2.0 wrote (migrations 1–8, lead documents as jsonb): its data stays readable and writable.</summary>
public sealed class PostgreSqlLeanLeadsMigrationTests
{
    private static readonly TenantId Tenant = new("tenant-a");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 9, 0));

    [PostgresFact]
    public async Task MigrateAsync_FromVersionEightWithLeadsAndPendingMessages_KeepsThemReadableAndWritable()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        try
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());");
            foreach (var (version, name, sql) in PostgreSqlMigrations.All.Where(m => m.Version <= PostgreSqlMigrations.PackedPurgedIdsVersion))
            {
                await PostgresTestDatabase.ExecuteAsOwnerAsync(sql.Replace("{s}", schema, StringComparison.Ordinal) + $"; INSERT INTO {schema}.schema_migrations (version, name) VALUES ({version}, '{name.Replace("'", "''", StringComparison.Ordinal)}');");
            }

            // A lead as 0.2.0 stored it (document as jsonb, version 1), assigned to a partner, and one message still pending.
            var lead = Lead.Capture(Tenant, new LeadId("L-1"), Details(), "web", _clock);
            lead.Qualify(LeadQualification.Full, "sales", _clock);
            lead.Assign(new PartnerId("P-1"), _clock.GetCurrentInstant() + Duration.FromDays(2), "router", _clock);
            var stored = lead.ToSnapshot() with { Version = 1 };
            var keys = DuplicateKeys.Normalised(lead.Details);
            await InsertAsOwnerAsync(
                $"INSERT INTO {schema}.leads (tenant, id, state, assigned_partner, next_due_at, assigned_at, version, document, dup_company, dup_email_domain) VALUES ('tenant-a', 'L-1', 'Assigned', 'P-1', $1, $2, 1, $3::jsonb, $4, $5);",
                stored.NextDueAt is { } due ? due.ToDateTimeUtc() : DBNull.Value,
                stored.AssignedAt!.Value.ToDateTimeUtc(),
                SnapshotJson.Serialize(stored),
                keys.Company!,
                keys.EmailDomain!);
            await InsertAsOwnerAsync(
                $"INSERT INTO {schema}.outbox (id, tenant, topic, type, payload, created_at, due_at, status) VALUES ('tenant-a/Lead/L-1/1', 'tenant-a', 'domain-event', 'LeadCaptured', '{{}}', $1, $1, 'pending');",
                stored.AssignedAt!.Value.ToDateTimeUtc());

            await using var store = PostgresTestDatabase.OpenStore(schema, new PipelineCatalog());
            await store.MigrateAsync();

            Assert.True((await store.GetSchemaStatusAsync()).IsCurrent);
            Assert.Equal("json", await DocumentTypeAsync(schema));
            var found = await store.Leads.FindAsync(AccessScope.Manufacturer(Tenant), lead.Id);
            Assert.NotNull(found);
            Assert.Equal(SnapshotJson.Serialize(stored), SnapshotJson.Serialize(found.ToSnapshot()));
            Assert.Equal(lead.Id, Assert.Single(await ToListAsync(store.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(Tenant), DuplicateKeys.Normalised(lead.Details)))).Id);

            found.Disqualify("closed by the partner", "partner", _clock);
            await store.Leads.UpdateAsync(found);
            var updated = await store.Leads.FindAsync(AccessScope.Manufacturer(Tenant), lead.Id);
            Assert.Equal(LeadState.Disqualified, updated!.State);
            Assert.Equal(2, updated.Version);

            var claimed = await store.Outbox.ClaimAsync(new DueWorkClaim(_clock.GetCurrentInstant(), 10, "host", Duration.FromMinutes(5)));
            Assert.Contains("tenant-a/Lead/L-1/1", claimed.Select(m => m.Id));
        }
        finally
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
        }
    }

    private static LeadDetails Details() => new()
    {
        Source = "web-form",
        Company = "ACME Heating",
        Contact = new LeadContact("Ada Example", "ada@acme-heating.example", null),
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

    private static async Task<string> DocumentTypeAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'leads' AND column_name = 'document';", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
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
