using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>Migration 4 on a database that 0.1.0 filled: one opportunity per source lead, old outbox ids kept.</summary>
public sealed class SqliteConversionMigrationTests : IDisposable
{
    private static readonly TenantId Tenant = new("t");
    private static readonly PartnerId Partner = new("p");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// Twins that 0.1.0 made from one lead keep the one the lead names (else the lowest id) as its
    /// conversion; an orphan becomes its lead's conversion; later conversions return them.
    /// </summary>
    [Fact]
    public async Task MigrateAsync_FromSchemaThreeWithTwinsAndOrphans_KeepsOneOpportunityPerLead()
    {
        using (var before = new SqliteStore(_database.Path))
        {
            var named = await AcceptedLeadAsync(before, "L-named");
            named.Convert(new OpportunityId("O-b"), Partner.Value, _clock);
            await before.Leads.UpdateAsync(named);
            await AcceptedLeadAsync(before, "L-orphan");
            await AcceptedLeadAsync(before, "L-unnamed");
            foreach (var id in new[] { "O-a", "O-b", "O-orphan", "O-x", "O-y" })
            {
                await before.Opportunities.AddAsync(SalesOpportunity.Open(Tenant, new OpportunityId(id), new SalesOpportunityDraft(Partner, new Money(100m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "p", _clock));
            }
        }

        // Back to 0.1.0's schema and data: no source_lead column, documents naming their lead twice over.
        await ScalarAsync<long>("""
            DROP INDEX opportunities_source_lead; ALTER TABLE opportunities DROP COLUMN source_lead;
            DELETE FROM schema_migrations WHERE version = 4;
            UPDATE opportunities SET document = json_set(document, '$.sourceLead', CASE
                WHEN id IN ('O-a', 'O-b') THEN 'L-named' WHEN id = 'O-orphan' THEN 'L-orphan' ELSE 'L-unnamed' END);
            INSERT INTO outbox (id, tenant, topic, type, payload, created_at, due_at, status)
                VALUES ('Lead/L-named/1', 't', 'domain-event', 'LeadCaptured', '{}', '2025-03-03T09:00:00.000000000Z', '2025-03-03T09:00:00.000000000Z', 'delivered');
            SELECT 1;
            """);
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();

        Assert.Equal("O-b", (await store.Conversions.FindConvertedFromAsync(Tenant, new LeadId("L-named")))!.Id.Value);
        Assert.Equal("O-orphan", (await store.Conversions.FindConvertedFromAsync(Tenant, new LeadId("L-orphan")))!.Id.Value);
        Assert.Equal("O-x", (await store.Conversions.FindConvertedFromAsync(Tenant, new LeadId("L-unnamed")))!.Id.Value);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM opportunities WHERE source_lead IS NULL;"));
        var orphaned = (await store.Leads.FindAsync(AccessScope.Manufacturer(Tenant), new LeadId("L-orphan")))!;
        orphaned.Convert(new OpportunityId("O-retry"), Partner.Value, _clock);
        var retried = await store.Conversions.ConvertAsync(orphaned, SalesOpportunity.Open(Tenant, new OpportunityId("O-retry"), new SalesOpportunityDraft(Partner, new Money(100m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { SourceLead = new LeadId("L-orphan") }, PipelineDefinition.Default, "p", _clock));
        Assert.Equal("O-orphan", retried.Id.Value);
        Assert.Null(await store.Opportunities.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-retry")));
        await store.Outbox.EnqueueAsync([new OutboxMessage("Lead/L-named/1", Tenant, OutboxMessage.DomainEventTopic, "LeadCaptured", "{}", _clock.GetCurrentInstant())]);
        Assert.DoesNotContain(await store.Outbox.ListPendingAsync(), m => m.Id == "Lead/L-named/1");
    }

    private async Task<Lead> AcceptedLeadAsync(SqliteStore store, string id)
    {
        var lead = Lead.Capture(Tenant, new LeadId(id), new LeadDetails { Source = "web", Company = id }, "system", _clock);
        lead.Qualify(LeadQualification.Full, "system", _clock);
        lead.Assign(Partner, _clock.GetCurrentInstant() + Duration.FromDays(2), "router", _clock);
        lead.Accept(Partner, _clock);
        await store.Leads.AddAsync(lead);
        return lead;
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
