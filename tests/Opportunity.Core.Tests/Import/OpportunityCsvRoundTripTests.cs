using NodaTime;
using NodaTime.Testing;
using Opportunity.Import;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Import;

/// <summary>
/// Export → import into a fresh store gives the same opportunities field by field, the customer keys
/// included: the exporter writes every column the importer reads.
/// </summary>
public sealed class OpportunityCsvRoundTripTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 6, 1, 12, 0));
    private static readonly OpportunityCsvOptions Options = new(Tenant);

    private const string File = """
        id,partner,stage,amount,currency,expected_close,probability,forecast_category,region,product_line,partner_name,created_at,closed_at,close_reason,stage_history,lines,splits,customer_company,customer_email,customer_phone
        o-1,P1,Proposal,2925.03,EUR,2025-07-31,0.35,commit,DE-South,heat-pumps,Partner One,,,,,pump-x|3|1000.00|12.5;installation|1.5|200;pump-x|1|0.03,P1|partner|70;dist north|distributor|20.5;rep anna|manufacturer_rep|9.5,"ACME Heizungsbau GmbH & Co. KG",jane.doe@Sales.ACME.de,+49 (89) 123-4567
        o-2,P2,Closed won,300,USD,2025-05-31,,,US-East,solar,,,,signed,Qualification@2025-01-10;Closed won@2025-03-05,service|2|150,,,globex.com,
        o-3,P2,Negotiation,1000,EUR,2025-08-31,,,,,,2025-02-01T08:30:00.123456789Z,,,,,,Initech,,0171 5550123
        o-4,P1,Qualification,77,JPY,2025-09-30,,,,,,,,,,,,,,
        """;

    [Fact]
    public void FullHeader_IsEveryColumnTheImporterReads_TheCustomerColumnsIncluded()
    {
        Assert.EndsWith("," + OpportunityCsvImporter.CustomerColumns, OpportunityCsvImporter.FullHeader, StringComparison.Ordinal);
        Assert.True(OpportunityCsvImporter.Parse(new StringReader(OpportunityCsvImporter.FullHeader + "\n"), Options, Clock).IsValid);
    }

    [Fact]
    public async Task ExportThenImport_IntoAFreshStore_GivesTheSameOpportunitiesFieldByField()
    {
        var first = new InMemoryStore();
        var imported = await OpportunityCsvImporter.ImportAsync(new StringReader(File), first, first, Options, Clock);
        Assert.True(imported.IsValid, string.Join("; ", imported.Errors));
        var scope = AccessScope.Manufacturer(Tenant);
        var before = await first.QueryAsync(scope, OpportunityQuery.All).ToListAsync();
        Assert.Equal(3, before.Count(d => d.CustomerKeys is not null)); // the file names three customers

        var exported = await ExportAsync(first);
        var second = new InMemoryStore();
        var again = await OpportunityCsvImporter.ImportAsync(new StringReader(exported), second, second, Options, Clock);

        Assert.True(again.IsValid, string.Join("; ", again.Errors));
        var after = await second.QueryAsync(scope, OpportunityQuery.All).ToListAsync();
        Assert.Equal(before.Select(Fields), after.Select(Fields));
        Assert.Equal(exported, await ExportAsync(second));
        var acme = await second.FindByCustomerKeysAsync(scope, DuplicateKeys.Normalised(new LeadDetails { Source = "web", Company = "Acme Heizungsbau", Contact = new LeadContact(null, "other@sales.acme.de", null) })).ToListAsync();
        Assert.Equal(["o-1"], acme.Select(d => d.Id.Value));
    }

    private static async Task<string> ExportAsync(InMemoryStore store)
    {
        using var csv = new StringWriter();
        await OpportunityCsvExporter.WriteAsync(csv, store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All));
        return csv.ToString();
    }

    // Every field the CSV carries; collections as text so that records compare by value.
    private static string Fields(SalesOpportunity d) => string.Join(
        " | ",
        d.Id,
        d.Partner,
        d.Stage.Name,
        d.Amount,
        d.ExpectedClose,
        d.ProbabilityOverride,
        d.ForecastCategoryOverride,
        d.Region,
        d.ProductLine,
        d.CreatedAt,
        d.ClosedAt,
        d.CloseReason,
        string.Join(";", d.History.Select(h => $"{h.To}@{h.At}")),
        string.Join(";", d.Lines),
        string.Join(";", d.Splits),
        d.CustomerKeys);
}
