using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>Migration 4 on a schema that 0.1.0 filled: one opportunity per source lead, under FORCE RLS, old outbox ids kept.</summary>
public sealed class PostgreSqlConversionMigrationTests : PostgresSchemaTest
{
    private static readonly TenantId Tenant = new("tenant-a");
    private static readonly PartnerId Partner = new("partner-1");
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    /// <summary>
    /// Twins that 0.1.0 made from one lead keep the one the lead names (else the lowest id) as its
    /// conversion; an orphan becomes its lead's conversion; later conversions return them.
    /// </summary>
    [PostgresFact]
    public async Task MigrateAsync_FromSchemaThreeWithTwinsAndOrphans_KeepsOneOpportunityPerLead()
    {
        var named = await AcceptedLeadAsync("L-named");
        named.Convert(new OpportunityId("O-b"), Partner.Value, _clock);
        await Store.Leads.UpdateAsync(named);
        await AcceptedLeadAsync("L-orphan");
        await AcceptedLeadAsync("L-unnamed");
        foreach (var id in new[] { "O-a", "O-b", "O-orphan", "O-x", "O-y" })
        {
            await Store.Opportunities.AddAsync(SalesOpportunity.Open(Tenant, new OpportunityId(id), new SalesOpportunityDraft(Partner, new Money(100m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "p", _clock));
        }

        // Back to 0.1.0's schema and data: no source_lead column, documents naming their lead twice over.
        await PostgresTestDatabase.ExecuteAsOwnerAsync($$"""
            DROP INDEX {{SchemaName}}.opportunities_source_lead; ALTER TABLE {{SchemaName}}.opportunities DROP COLUMN source_lead;
            DELETE FROM {{SchemaName}}.schema_migrations WHERE version = 4;
            ALTER TABLE {{SchemaName}}.opportunities NO FORCE ROW LEVEL SECURITY; ALTER TABLE {{SchemaName}}.outbox NO FORCE ROW LEVEL SECURITY;
            UPDATE {{SchemaName}}.opportunities SET document = jsonb_set(document, '{sourceLead}', to_jsonb(CASE
                WHEN id IN ('O-a', 'O-b') THEN 'L-named' WHEN id = 'O-orphan' THEN 'L-orphan' ELSE 'L-unnamed' END));
            INSERT INTO {{SchemaName}}.outbox (id, tenant, topic, type, payload, created_at, due_at, status)
                VALUES ('Lead/L-named/1', 'tenant-a', 'domain-event', 'LeadCaptured', '{}', now(), now(), 'delivered');
            ALTER TABLE {{SchemaName}}.opportunities FORCE ROW LEVEL SECURITY; ALTER TABLE {{SchemaName}}.outbox FORCE ROW LEVEL SECURITY;
            """);
        await using var store = PostgresTestDatabase.OpenStore(SchemaName, Pipelines);
        await store.MigrateAsync();

        Assert.Equal("O-b", (await store.Conversions.FindConvertedFromAsync(Tenant, new LeadId("L-named")))!.Id.Value);
        Assert.Equal("O-orphan", (await store.Conversions.FindConvertedFromAsync(Tenant, new LeadId("L-orphan")))!.Id.Value);
        Assert.Equal("O-x", (await store.Conversions.FindConvertedFromAsync(Tenant, new LeadId("L-unnamed")))!.Id.Value);
        Assert.Null(await store.Conversions.FindConvertedFromAsync(new TenantId("tenant-b"), new LeadId("L-named")));
        var orphaned = (await store.Leads.FindAsync(AccessScope.Manufacturer(Tenant), new LeadId("L-orphan")))!;
        orphaned.Convert(new OpportunityId("O-retry"), Partner.Value, _clock);
        var retried = await store.Conversions.ConvertAsync(orphaned, SalesOpportunity.Open(Tenant, new OpportunityId("O-retry"), new SalesOpportunityDraft(Partner, new Money(100m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { SourceLead = new LeadId("L-orphan") }, PipelineDefinition.Default, "p", _clock));
        Assert.Equal("O-orphan", retried.Id.Value);
        Assert.Null(await store.Opportunities.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-retry")));
        await store.Outbox.EnqueueAsync([new OutboxMessage("Lead/L-named/1", Tenant, OutboxMessage.DomainEventTopic, "LeadCaptured", "{}", _clock.GetCurrentInstant())]);
        Assert.DoesNotContain(await store.Outbox.ListPendingAsync(), m => m.Id == "Lead/L-named/1");
    }

    private async Task<Lead> AcceptedLeadAsync(string id)
    {
        var lead = Lead.Capture(Tenant, new LeadId(id), new LeadDetails { Source = "web", Company = id }, "system", _clock);
        lead.Qualify(LeadQualification.Full, "system", _clock);
        lead.Assign(Partner, _clock.GetCurrentInstant() + Duration.FromDays(2), "router", _clock);
        lead.Accept(Partner, _clock);
        await Store.Leads.AddAsync(lead);
        return lead;
    }
}
