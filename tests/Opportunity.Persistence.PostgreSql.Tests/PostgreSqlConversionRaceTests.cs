using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>The race the conformance suite cannot force: two hosts both past the look-up, meeting at the unique index.</summary>
public sealed class PostgreSqlConversionRaceTests : PostgresSchemaTest
{
    private static readonly TenantId Tenant = new("tenant-a");
    private static readonly PartnerId Partner = new("partner-1");
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    /// <summary>
    /// Host A has inserted its opportunity but not committed; host B finds nothing, inserts and
    /// waits at the unique index; A commits; B's insert fails, B rolls back and returns A's opportunity.
    /// </summary>
    [PostgresFact]
    public async Task ConvertAsync_SecondHostWaitingAtTheUniqueIndex_ReturnsTheFirstHostsOpportunity()
    {
        var hostA = Store;
        await using var hostB = PostgresTestDatabase.OpenStore(SchemaName, Pipelines);
        var lead = Lead.Capture(Tenant, new LeadId("L-1"), new LeadDetails { Source = "web", Company = "ACME" }, "system", _clock);
        lead.Qualify(LeadQualification.Full, "system", _clock);
        lead.Assign(Partner, _clock.GetCurrentInstant() + Duration.FromDays(2), "router", _clock);
        lead.Accept(Partner, _clock);
        await hostA.Leads.AddAsync(lead);
        var copyA = (await hostA.Leads.FindAsync(AccessScope.Manufacturer(Tenant), lead.Id))!;
        var copyB = (await hostB.Leads.FindAsync(AccessScope.Manufacturer(Tenant), lead.Id))!;

        using var inserted = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        hostA.FaultHook = point =>
        {
            if (point == "after-state")
            {
                inserted.Release();
                release.Wait(TimeSpan.FromSeconds(60));
            }
        };
        var first = Task.Run(() => hostA.Conversions.ConvertAsync(copyA, Converted(copyA, "O-a")));
        Assert.True(await inserted.WaitAsync(TimeSpan.FromSeconds(60)));
        var second = Task.Run(() => hostB.Conversions.ConvertAsync(copyB, Converted(copyB, "O-b")));
        var waited = await WaitForBlockedInsertAsync();
        release.Release();
        var results = await Task.WhenAll(first, second);
        hostA.FaultHook = null;

        Assert.True(waited, "host B never waited at the unique index");
        Assert.Equal(["O-a", "O-a"], results.Select(o => o.Id.Value));
        Assert.Equal(1, copyB.Version); // B's copy of the lead was not written: still uncommitted
        Assert.Single(copyB.PendingEvents);
        Assert.Null(await hostA.Opportunities.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-b")));
        Assert.Equal("O-a", (await hostB.Leads.FindAsync(AccessScope.Manufacturer(Tenant), lead.Id))!.ConvertedTo!.Value.Value);
    }

    private SalesOpportunity Converted(Lead lead, string id)
    {
        var opportunity = SalesOpportunity.Open(Tenant, new OpportunityId(id), new SalesOpportunityDraft(Partner, new Money(100m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { SourceLead = lead.Id }, PipelineDefinition.Default, "p", _clock);
        lead.Convert(opportunity.Id, Partner.Value, _clock);
        return opportunity;
    }

    // Host B's insert waits for host A's transaction id (a lock that is not granted).
    private static async Task<bool> WaitForBlockedInsertAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        for (var probe = 0; probe < 20_000; probe++)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted;", connection);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return true;
            }
        }

        return false;
    }
}
