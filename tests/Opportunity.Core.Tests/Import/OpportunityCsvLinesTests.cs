using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Import;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Import;

/// <summary>The lines and splits columns: parsed into the deal, checked per line and column, all or nothing, and carried through export and import.</summary>
public sealed class OpportunityCsvLinesTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 6, 1, 12, 0));
    private static readonly OpportunityCsvOptions Options = new(Tenant);

    private const string Header = "id,partner,stage,amount,currency,lines,splits";

    private const string File = """
        id,partner,stage,amount,currency,expected_close,stage_history,lines,splits
        o-1,P1,Proposal,2925.03,EUR,2025-07-31,,pump-x|3|1000.00|12.5;installation|1.5|200;pump-x|1|0.03,P1|partner|70;dist north|distributor|20.5;rep anna|manufacturer_rep|9.5
        o-2,P2,Closed won,300,USD,2025-05-31,Qualification@2025-01-10;Closed won@2025-03-05,service|2|150,
        o-3,P2,Negotiation,1000,EUR,2025-08-31,,,P2|partner|50;dist north|distributor|50
        o-4,P1,Qualification,77,JPY,2025-09-30,,,
        """;

    private static ValidationResult<OpportunityImport> Parse(string csv) =>
        OpportunityCsvImporter.Parse(new StringReader(csv), Options, Clock);

    [Fact]
    public void Parse_LinesAndSplits_GiveTheDealItsLinesSplitsAndAmount()
    {
        var deals = Parse(File).Value.Opportunities;

        Assert.Equal(
            [new OpportunityLine("pump-x", 3m, new Money(1_000m, CurrencyCode.EUR), 12.5m), new OpportunityLine("installation", 1.5m, new Money(200m, CurrencyCode.EUR)), new OpportunityLine("pump-x", 1m, new Money(0.03m, CurrencyCode.EUR))],
            deals[0].Lines);
        Assert.Equal(new Money(2_925.03m, CurrencyCode.EUR), deals[0].Amount); // 2,625 + 300 + 0.03
        Assert.Equal([("P1", SplitRole.Partner, 70m), ("dist north", SplitRole.Distributor, 20.5m), ("rep anna", SplitRole.ManufacturerRep, 9.5m)], deals[0].Splits.Select(s => (s.Party, s.Role, s.Percent)));
        Assert.Equal(("Closed won", 1), (deals[1].Stage.Name, deals[1].Lines.Count)); // lines set when opened, kept through the close
        Assert.Empty(deals[2].Lines);
        Assert.Equal(2, deals[2].Splits.Count);
    }

    [Theory]
    [InlineData("100,EUR,pump 100,", "lines", "is not 'product|quantity|unit_price[|discount_percent]'")]
    [InlineData("100,EUR,pump|1|1O0,", "lines", "numbers with a point")]
    [InlineData("100,EUR,pump|0|100,", "lines", "quantity is positive")]
    [InlineData("100,EUR,pump|1|100|120,", "lines", "discount is 0 to 100")]
    [InlineData("100,EUR,pump|1|100.001,", "lines", "Entry 1")]
    [InlineData("99,EUR,pump|1|100,", "amount", "The lines sum to 100, not 99")]
    [InlineData("100,EUR,,P1|partner|60;D|distributor|30", "splits", "total 90 %")]
    [InlineData("100,EUR,,P1|partner|50;P1|partner|50", "splits", "appears twice")]
    [InlineData("100,EUR,,P1|reseller|100", "splits", "role partner, distributor or manufacturer_rep")]
    [InlineData("100,EUR,,P1|partner|100.001", "splits", "at most 2 decimals")]
    public void Parse_BadLinesOrSplits_AreErrorsNamingLineAndColumn(string cells, string column, string message)
    {
        var result = Parse($"{Header}\no-1,P1,Proposal,{cells}\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal($"line 2, column {column}", error.Location);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAsync_OneBadLinesCell_ImportsNothing()
    {
        var store = new InMemoryStore();
        var csv = $"{Header}\no-1,P1,Proposal,100,EUR,pump|1|100,\no-2,P1,Proposal,100,EUR,pump|1|100|x,\n";

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(csv), store, store, Options, Clock);

        Assert.Equal("line 3, column lines", Assert.Single(result.Errors).Location);
        Assert.Empty(await store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All).ToListAsync());
    }

    [Fact]
    public async Task ExportThenImport_IntoAnotherStore_GivesTheSameLinesSplitsAmountsAndProductGrouping()
    {
        var first = new InMemoryStore();
        Assert.True((await OpportunityCsvImporter.ImportAsync(new StringReader(File), first, first, Options, Clock)).IsValid);
        var scope = AccessScope.Manufacturer(Tenant);
        using var csv = new StringWriter();
        await OpportunityCsvExporter.WriteAsync(csv, first.QueryAsync(scope, OpportunityQuery.All));

        var second = new InMemoryStore();
        var again = await OpportunityCsvImporter.ImportAsync(new StringReader(csv.ToString()), second, second, Options, Clock);

        Assert.True(again.IsValid, string.Join("; ", again.Errors));
        var before = await first.QueryAsync(scope, OpportunityQuery.All).ToListAsync();
        var after = await second.QueryAsync(scope, OpportunityQuery.All).ToListAsync();
        Assert.Equal(before.Select(d => (d.Id, d.Amount)), after.Select(d => (d.Id, d.Amount)));
        Assert.All(before.Zip(after), p => Assert.Equal((p.First.Lines, p.First.Splits), (p.Second.Lines, p.Second.Splits), new LinesAndSplits()));
        var options = new PipelineSnapshotOptions { IncludeClosedWon = true };
        using var want = (await PipelineSnapshot.FromStoreAsync(first, scope, options)).Group(PipelineDimension.Product, PipelineDimension.Stage);
        using var got = (await PipelineSnapshot.FromStoreAsync(second, scope, options)).Group(PipelineDimension.Product, PipelineDimension.Stage);
        Assert.Equal(want.Groups, got.Groups);
        Assert.Contains(want.Groups, g => g.First == "pump-x");
        Assert.Contains("pump-x|3|1000.00|12.5;installation|1.5|200;pump-x|1|0.03", csv.ToString(), StringComparison.Ordinal);
    }

    private sealed class LinesAndSplits : IEqualityComparer<(IReadOnlyList<OpportunityLine>, IReadOnlyList<OpportunitySplit>)>
    {
        public bool Equals((IReadOnlyList<OpportunityLine>, IReadOnlyList<OpportunitySplit>) x, (IReadOnlyList<OpportunityLine>, IReadOnlyList<OpportunitySplit>) y) =>
            x.Item1.SequenceEqual(y.Item1) && x.Item2.SequenceEqual(y.Item2);

        public int GetHashCode((IReadOnlyList<OpportunityLine>, IReadOnlyList<OpportunitySplit>) obj) => obj.Item1.Count;
    }
}
