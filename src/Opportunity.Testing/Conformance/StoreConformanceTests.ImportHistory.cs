using Opportunity.Import;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>The CSV of <see cref="Import_ClosedDealsWithHistory_ReadBackEqual"/>: a won and a lost deal with their real dates, reasons and histories, an open one with a partner name.</summary>
    private const string HistoryCsv = """
        id,partner,partner_name,stage,amount,currency,expected_close,created_at,closed_at,close_reason,stage_history
        hist-1,partner-h1,Heizung Huber GmbH,Closed won,48250.00,EUR,2025-02-28,2024-11-04T08:15:00Z,2025-02-20T16:45:30.5Z,Signed after site visit,Qualification@2024-11-04T08:15:00Z;Proposal@2024-12-02T10:00:00Z;Negotiation@2025-01-15T09:30:00Z;Closed won@2025-02-20T16:45:30.5Z
        hist-2,partner-h1,Heizung Huber GmbH,Closed lost,9100.00,EUR,2025-01-31,,,Went with a competitor,Qualification@2024-10-01T00:00:00Z;Needs analysis@2024-10-20T00:00:00Z;Closed lost@2024-12-12T13:00:00Z
        hist-3,partner-h2,Solar Süd,Proposal,15000.00,EUR,2025-03-31,,,,Qualification@2025-01-02T09:00:00Z;Proposal@2025-01-09T09:00:00Z
        """;

    /// <summary>
    /// A CSV import of closed deals with their close dates, reasons and stage histories is stored
    /// as the importer built it: each deal reads back equal (history, close time and reason
    /// included), and the partners the file names are created with their names.
    /// </summary>
    [ConformanceFact]
    public async Task Import_ClosedDealsWithHistory_ReadBackEqual()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var options = new OpportunityCsvOptions(TenantA);
        var expected = OpportunityCsvImporter.Parse(new StringReader(HistoryCsv), options, Clock).Value.Opportunities;

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(HistoryCsv), Store.Importer, Store.Partners, options, Clock);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var scope = AccessScope.Manufacturer(TenantA);
        foreach (var deal in expected)
        {
            var stored = await Store.Opportunities.FindAsync(scope, deal.Id);
            Assert.NotNull(stored);
            Assert.Equal(Doc(SalesOpportunity.FromSnapshot(deal.ToSnapshot() with { Version = 1 }, PipelineDefinition.Default)), Doc(stored));
        }

        var won = (await Store.Opportunities.FindAsync(scope, new OpportunityId("hist-1")))!;
        Assert.Equal(("Closed won", "Signed after site visit", NodaTime.Instant.FromUtc(2025, 2, 20, 16, 45, 30).PlusNanoseconds(500_000_000)), (won.Stage.Name, won.CloseReason, won.ClosedAt!.Value));
        Assert.Equal(["Qualification", "Proposal", "Negotiation", "Closed won"], won.History.Select(h => h.To));
        Assert.Equal(NodaTime.Instant.FromUtc(2024, 11, 4, 8, 15), won.CreatedAt);
        Assert.Equal("Heizung Huber GmbH", (await Store.Partners.FindAsync(TenantA, new PartnerId("partner-h1")))?.Name);
        Assert.Equal("Solar Süd", (await Store.Partners.FindAsync(TenantA, new PartnerId("partner-h2")))?.Name);
    }
}
