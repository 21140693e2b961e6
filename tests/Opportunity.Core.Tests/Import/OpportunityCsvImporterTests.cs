using NodaTime;
using NodaTime.Testing;
using Opportunity.Import;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Import;

public sealed class OpportunityCsvImporterTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 1, 15, 9, 0));

    private static ValidationResult<OpportunityImport> Parse(string csv, OpportunityCsvOptions? options = null) =>
        OpportunityCsvImporter.Parse(new StringReader(csv), options ?? new OpportunityCsvOptions(Tenant), Clock);

    [Fact]
    public void Parse_CanonicalFile_CreatesOpportunitiesWithEveryColumn()
    {
        var result = Parse($"""
            {OpportunityCsvImporter.CanonicalHeader}
            o-1,P1,Proposal,12500.50,eur,2025-03-31,0.35,commit,DE-South,heat-pumps
            o-2,P2,Qualification,800,USD,,,,,
            """);

        var import = result.Value;
        var first = import.Opportunities[0];
        Assert.Equal((new OpportunityId("o-1"), new PartnerId("P1"), "Proposal", new Money(12500.50m, CurrencyCode.EUR)), (first.Id, first.Partner, first.Stage.Name, first.Amount));
        Assert.Equal((new LocalDate(2025, 3, 31), Probability.FromBasisPoints(3_500), ForecastCategory.Commit, "DE-South", "heat-pumps"), (first.ExpectedClose, first.Probability, first.ForecastCategory, first.Region, first.ProductLine));
        var second = import.Opportunities[1];
        Assert.Equal((new LocalDate(2025, 4, 15), Probability.FromPercent(10), (string?)null), (second.ExpectedClose, second.Probability, second.Region)); // today + 90 days, stage default
        Assert.Equal([2, 3], import.Rows.Select(r => r.Line));
        Assert.Equal(["P1", "P2"], import.NewPartners.Select(p => p.Id.Value));
        Assert.Equal(["DE-South"], import.NewRegions);
    }

    [Fact]
    public void Parse_OnlyRequiredColumnsInAnyOrderWithCrlfAndBom_Works()
    {
        var result = Parse("\uFEFFCurrency,Amount,ID,Stage,Partner\r\nEUR,10,o-1,negotiation,P1\r\n");

        Assert.Equal(("Negotiation", new Money(10m, CurrencyCode.EUR)), (result.Value.Opportunities.Single().Stage.Name, result.Value.Opportunities.Single().Amount));
    }

    [Fact]
    public void Parse_QuotedFieldsWithCommasQuotesAndLineBreaks_FollowRfc4180()
    {
        var result = Parse("""
            id,partner,stage,amount,currency,region,product_line
            o-1,P1,Proposal,1,EUR,"Rhein, Main","Say ""hi""
            twice"
            o-2,P1,Proposal,2,EUR,,
            """);

        var rows = result.Value.Rows;
        Assert.Equal(("Rhein, Main", "Say \"hi\"\ntwice"), (rows[0].Opportunity.Region, rows[0].Opportunity.ProductLine));
        Assert.Equal(4, rows[1].Line); // the quoted line break moves the next record to line 4
    }

    [Fact]
    public void Parse_BadRows_EveryErrorNamesLineAndColumnAndNothingIsImported()
    {
        var result = Parse("""
            id,partner,stage,amount,currency,expected_close,probability,forecast_category
            o-1,P1,Proposal,12.345,EUR,2025-02-30,1.5,maybe
            o-2,P1,Nowhere,-3,EURO,,,
            o-1,P1,Proposal,1,EUR,,,
            o-4,P1,Proposal,1,EUR
            """);

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "line 2, column amount", "line 2, column expected_close", "line 2, column probability", "line 2, column forecast_category",
                "line 3, column stage", "line 3, column currency", "line 3, column amount",
                "line 5",
            ],
            result.Errors.Select(e => e.Location));
        Assert.Contains("more decimal places than EUR allows", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Throws<InputValidationException>(() => result.Value);
    }

    [Fact]
    public void Parse_DuplicateIdAfterAGoodRow_IsAnErrorOnTheLaterLine()
    {
        var result = Parse("id,partner,stage,amount,currency\no-1,P1,Proposal,1,EUR\no-1,P1,Proposal,1,EUR\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("line 3, column id", error.Location);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SkipBadRows_ImportsTheGoodOnesAndReportsTheRest()
    {
        var result = Parse("id,partner,stage,amount,currency\no-1,P1,Proposal,1,EUR\no-2,P1,Proposal,x,EUR\no-3,P2,Proposal,3,EUR\n", new OpportunityCsvOptions(Tenant) { SkipBadRows = true });

        Assert.Equal(["o-1", "o-3"], result.Value.Opportunities.Select(o => o.Id.Value));
        Assert.Equal("line 3, column amount", Assert.Single(result.Value.SkippedRows).Location);
        Assert.Equal(3, result.Value.RecordsRead);
    }

    [Fact]
    public void Parse_ExpectedCloseASnapshotCannotHold_NamesLineAndColumn()
    {
        var result = Parse("id,partner,stage,amount,currency,expected_close\no-1,P1,Proposal,1,EUR,2025-03-31\nE5,acme,Proposal,1600,EUR,9999-12-31\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("line 3, column expected_close", error.Location);
        Assert.Contains("4730-08-31", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ClosedCategoryOnAnOpenDeal_NamesLineAndColumn()
    {
        var result = Parse("id,partner,stage,amount,currency,probability,forecast_category\nD-24,acme-solar,Proposal,100,EUR,0,closed\nD-25,acme-solar,Closed won,100,EUR,,closed\nD-26,acme-solar,Proposal,100,EUR,,commit\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("line 2, column forecast_category", error.Location);
        Assert.Contains("'Proposal'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "line 1")]
    [InlineData("id,partner,stage,amount\n", "line 1, column currency")]
    [InlineData("id,partner,stage,amount,currency,amout\n", "line 1, column 6")]
    [InlineData("id,id,partner,stage,amount,currency\n", "line 1, column id")]
    public void Parse_BadHeader_IsRejected(string csv, string location) =>
        Assert.Equal(location, Parse(csv).Errors[0].Location);

    [Fact]
    public void Parse_MalformedQuoting_NamesTheLine()
    {
        var result = Parse("id,partner,stage,amount,currency\no-1,P\"1,Proposal,1,EUR\no-2,P1,Proposal,1,\"EUR\n");

        Assert.Equal(["line 2", "line 3"], result.Errors.Select(e => e.Location));
    }

    [Fact]
    public void Parse_ClosedStages_AreOpenedAndClosedWithAReason()
    {
        var import = Parse("id,partner,stage,amount,currency\no-1,P1,Closed won,5,EUR\no-2,P1,closed lost,5,EUR\n").Value;

        Assert.Equal([StageKind.Won, StageKind.Lost], import.Opportunities.Select(o => o.Stage.Kind));
        Assert.Equal("Imported as 'Closed won'", import.Opportunities[0].CloseReason);
        Assert.Equal("line 2, column probability", Parse("id,partner,stage,amount,currency,probability\no-1,P1,Closed won,5,EUR,0.5\n").Errors[0].Location);
    }

    [Fact]
    public void Parse_KnownPartnersAndRegions_AreNotReturnedAsNew()
    {
        var options = new OpportunityCsvOptions(Tenant)
        {
            KnownPartners = new HashSet<PartnerId> { new("P1") },
            KnownRegions = new HashSet<string>(StringComparer.Ordinal) { "FR" },
        };

        var import = Parse("id,partner,stage,amount,currency,region\no-1,P1,Proposal,1,EUR,FR\no-2,P2,Proposal,1,EUR,UK\n", options).Value;

        Assert.Equal(["P2"], import.NewPartners.Select(p => p.Id.Value));
        Assert.Equal(["UK"], import.NewRegions);
    }

    [Fact]
    public async Task ImportAsync_WritesPartnersAndOpportunities_AndRefusesExistingIdsWithoutWritingAnything()
    {
        var store = new InMemoryStore();
        await store.UpsertAsync(new Partner(Tenant, new PartnerId("P1"), "Known", PartnerTier.Gold));
        var options = new OpportunityCsvOptions(Tenant);
        const string File = "id,partner,stage,amount,currency\no-1,P1,Proposal,1,EUR\no-2,P2,Proposal,2,EUR\n";

        var first = await OpportunityCsvImporter.ImportAsync(new StringReader(File), store, store, options, Clock);
        var again = await OpportunityCsvImporter.ImportAsync(new StringReader(File + "o-3,P3,Proposal,3,EUR\n"), store, store, options, Clock);

        Assert.Equal(["P2"], first.Value.NewPartners.Select(p => p.Id.Value));
        Assert.Equal("Known", (await store.FindAsync(Tenant, new PartnerId("P1")))!.Name);
        Assert.NotNull(await store.FindAsync(Tenant, new PartnerId("P2")));
        Assert.Equal(["line 2, column id", "line 3, column id"], again.Errors.Select(e => e.Location));
        Assert.Null(await store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("o-3")));
        Assert.Null(await store.FindAsync(Tenant, new PartnerId("P3")));
    }

    [Fact]
    public void Parse_QuotedFieldsAcrossReadBlocks_ReadsEveryCellExactly()
    {
        // About 180,000 characters: the reader's 64 Ki-character blocks end inside some records.
        var rows = Enumerable.Range(0, 2_000).Select(i => $"o-{i},P{i % 3},Proposal,{i}.25,EUR,,,,\"Süd, \"\"{i}\"\"\r\nWest\",line-{i % 7}").ToList();
        var result = Parse(OpportunityCsvImporter.CanonicalHeader + "\r\n" + string.Join("\r\n", rows) + "\r\n");

        var opportunities = result.Value.Opportunities;
        Assert.Equal(2_000, opportunities.Count);
        Assert.All(opportunities.Select((o, i) => (o, i)), x => Assert.Equal(($"o-{x.i}", $"Süd, \"{x.i}\"\r\nWest", $"line-{x.i % 7}", x.i + 0.25m), (x.o.Id.Value, x.o.Region, x.o.ProductLine, x.o.Amount.Amount)));
        Assert.Equal(2 + (2 * 1_999), result.Value.Rows[^1].Line);
    }

    [Fact]
    public async Task ImportAsync_AdvancingClock_StampsEveryRowAndEventWithTheStartInstant()
    {
        // Each aggregate is built again for its document and for its events: both must carry the same instant.
        var start = Instant.FromUtc(2025, 1, 15, 9, 0);
        var clock = new FakeClock(start, Duration.FromSeconds(1));
        var store = new InMemoryStore();

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader("id,partner,stage,amount,currency\no-1,P1,Proposal,1,EUR\no-2,P1,Closed won,2,EUR\n"), store, store, new OpportunityCsvOptions(Tenant) { PerRowEvents = true }, clock);

        Assert.Equal(2, result.Value.Imported);
        var stored = new List<SalesOpportunity>();
        await foreach (var o in store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All))
        {
            stored.Add(o);
        }

        Assert.Equal([start, start], stored.Select(o => o.CreatedAt));
        var messages = await store.ListPendingAsync();
        Assert.Equal(3 + 1, messages.Count);
        Assert.All(messages, m => Assert.Equal(start, m.CreatedAt));
    }
}
