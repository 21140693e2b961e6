using NodaTime;
using NodaTime.Testing;
using Opportunity.Import;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Import;

/// <summary>The dated columns (created_at, closed_at, close_reason, stage_history), partner_name, id rules and the exporter.</summary>
public sealed class OpportunityCsvHistoryTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 6, 1, 12, 0));

    private const string Header = "id,partner,stage,amount,currency,created_at,closed_at,close_reason,stage_history";

    private static ValidationResult<OpportunityImport> Parse(string csv, OpportunityCsvOptions? options = null) =>
        OpportunityCsvImporter.Parse(new StringReader(csv), options ?? new OpportunityCsvOptions(Tenant), Clock);

    [Fact]
    public void Parse_ClosedDealWithHistory_KeepsItsDatesReasonAndHistory()
    {
        var deal = Parse($"""
            {Header}
            o-1,P1,Closed lost,900,EUR,,2025-03-05T10:00:00Z,Budget cut,Qualification@2025-01-10T08:00:00Z;Proposal@2025-02-01;Closed lost@2025-03-05T10:00:00Z
            """).Value.Opportunities.Single();

        Assert.Equal(("Closed lost", "Budget cut", Instant.FromUtc(2025, 3, 5, 10, 0), Instant.FromUtc(2025, 1, 10, 8, 0)), (deal.Stage.Name, deal.CloseReason, deal.ClosedAt!.Value, deal.CreatedAt));
        Assert.Equal(
            [("Qualification", Instant.FromUtc(2025, 1, 10, 8, 0)), ("Proposal", Instant.FromUtc(2025, 2, 1, 0, 0)), ("Closed lost", Instant.FromUtc(2025, 3, 5, 10, 0))],
            deal.History.Select(h => (h.To, h.At)));
        Assert.All(deal.PendingEvents, e => Assert.True(e.OccurredAt < Clock.GetCurrentInstant())); // the events carry the history's times, not the import's
    }

    [Fact]
    public void Parse_ClosedDealWithoutHistory_OpensAtCreatedAtAndClosesAtClosedAtWithItsReason()
    {
        var import = Parse($"""
            {Header}
            o-1,P1,Closed won,900,EUR,2025-01-10,2025-03-05T10:00:00Z,Best price,
            o-2,P1,Closed won,900,EUR,,2025-03-05,,
            o-3,P1,Closed won,900,EUR,,,,
            """).Value.Opportunities;

        Assert.Equal((Instant.FromUtc(2025, 1, 10, 0, 0), Instant.FromUtc(2025, 3, 5, 10, 0), "Best price"), (import[0].CreatedAt, import[0].ClosedAt!.Value, import[0].CloseReason));
        Assert.Equal(["Qualification", "Closed won"], import[0].History.Select(h => h.To));
        Assert.Equal((Instant.FromUtc(2025, 3, 5, 0, 0), Instant.FromUtc(2025, 3, 5, 0, 0), "Imported as 'Closed won'"), (import[1].CreatedAt, import[1].ClosedAt!.Value, import[1].CloseReason)); // created no later than closed
        Assert.Equal((Clock.GetCurrentInstant(), Clock.GetCurrentInstant()), (import[2].CreatedAt, import[2].ClosedAt!.Value)); // without dates: now, as before
    }

    [Theory]
    [InlineData("Proposal,900,EUR,,,,Qualification@2025-01-10;Negotiation@2025-02-01", "stage_history", "ends in 'Negotiation'")]
    [InlineData("Proposal,900,EUR,,,,Qualification@2025-02-10;Proposal@2025-02-01", "stage_history", "earlier than entry 1")]
    [InlineData("Proposal,900,EUR,,,,Closed won@2025-01-10;Proposal@2025-02-01", "stage_history", "first entry must be an open stage")]
    [InlineData("Proposal,900,EUR,,,,Qualification@2025-01-10;Haggling@2025-02-01", "stage_history", "'Haggling' is not a stage")]
    [InlineData("Proposal,900,EUR,,,,Qualification 2025-01-10", "stage_history", "is not 'Stage@time'")]
    [InlineData("Proposal,900,EUR,,,,Qualification@2025-01-10;Qualification@2025-01-11;Proposal@2025-02-01", "stage_history", "repeats stage 'Qualification'")]
    [InlineData("Closed won,900,EUR,,,,Qualification@2025-01-10;Closed lost@2025-01-11;Closed won@2025-02-01", "stage_history", "closed already")]
    [InlineData("Proposal,900,EUR,2025-01-09,,,Qualification@2025-01-10;Proposal@2025-02-01", "created_at", "first entry")]
    [InlineData("Closed won,900,EUR,,2025-03-01,,Qualification@2025-01-10;Closed won@2025-02-01", "closed_at", "last entry")]
    [InlineData("Proposal,900,EUR,,2025-03-01,,", "closed_at", "open stage")]
    [InlineData("Proposal,900,EUR,,,Lost interest,", "close_reason", "open stage")]
    [InlineData("Closed won,900,EUR,2025-03-10,2025-03-01,,", "closed_at", "before created_at")]
    [InlineData("Closed won,900,EUR,yesterday,,,", "created_at", "ISO instant")]
    public void Parse_InconsistentDatedCells_AreErrorsNamingLineAndColumn(string cells, string column, string message)
    {
        var result = Parse($"{Header}\no-1,P1,{cells}\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal($"line 2, column {column}", error.Location);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HistoryThroughAGatedStage_MeetsItsExitCriteriaAndReopensAfterAClose()
    {
        var gated = PipelineDefinition.Create("gated", [.. PipelineDefinition.Default.Stages.Select(s => s.Name == "Proposal" ? s with { ExitCriteria = ["Budget confirmed"] } : s)]);

        var deal = Parse($"""
            {Header}
            o-1,P1,Negotiation,900,EUR,,,,Proposal@2025-01-10;Closed lost@2025-02-01;Proposal@2025-03-01;Negotiation@2025-04-01
            """, new OpportunityCsvOptions(Tenant) { Pipeline = gated }).Value.Opportunities.Single();

        Assert.Equal(["Proposal", "Closed lost", "Proposal", "Negotiation"], deal.History.Select(h => h.To));
        Assert.Equal((null, (Instant?)null), (deal.CloseReason, deal.ClosedAt));
    }

    [Theory]
    [InlineData("Acme Corp,P1", "column id", "'Acme-Corp'")]
    [InlineData("o-1,Acme Corp", "column partner", "partner_name")]
    public void Parse_IdsWithWhiteSpace_AreRefusedWithAnIdToUseInstead(string ids, string column, string hint)
    {
        var result = Parse($"id,partner,stage,amount,currency\n{ids},Proposal,1,EUR\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal($"line 2, {column}", error.Location);
        Assert.Contains("white space", error.Message, StringComparison.Ordinal);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PartnerNameColumn_NamesTheNewPartners_AndTwoNamesForOnePartnerAreAnError()
    {
        var import = Parse("id,partner,partner_name,stage,amount,currency\no-1,P1,,Proposal,1,EUR\no-2,P1,Acme Solar,Proposal,1,EUR\no-3,P2,,Proposal,1,EUR\n").Value;
        Assert.Equal([("P1", "Acme Solar"), ("P2", "P2")], import.NewPartners.Select(p => (p.Id.Value, p.Name)));

        var conflict = Parse("id,partner,partner_name,stage,amount,currency\no-1,P1,Acme Solar,Proposal,1,EUR\no-2,P1,Acme Wind,Proposal,1,EUR\n");
        var error = Assert.Single(conflict.Errors);
        Assert.Equal(("line 3, column partner_name", "Partner 'P1' is named 'Acme Solar' on line 2, not 'Acme Wind'."), (error.Location, error.Message));
    }

    [Fact]
    public async Task Export_ThenParse_GivesEqualDeals()
    {
        var original = Parse(""""
            id,partner,partner_name,stage,amount,currency,expected_close,probability,forecast_category,region,product_line,created_at,closed_at,close_reason,stage_history
            o-1,P1,"Acme, Solar",Proposal,12500.50,EUR,2025-07-31,0.35,commit,DE-South,heat-pumps,,,,Qualification@2025-01-10T08:00:00.123456789Z;Proposal@2025-02-01T00:00:00Z
            o-2,P2,,Closed won,900,USD,2025-03-31,,,,,,,"Said ""yes""",Qualification@2025-01-10T08:00:00Z;Negotiation@2025-02-01T00:00:00Z;Closed won@2025-03-05T10:00:00Z
            o-3,P2,,Closed lost,1,JPY,2025-03-31,,,,,2025-01-01,2025-02-01,,
            """").Value;
        var names = original.NewPartners.ToDictionary(p => p.Id, p => p.Name);

        using var csv = new StringWriter();
        var written = await OpportunityCsvExporter.WriteAsync(csv, original.Opportunities.ToAsyncEnumerable(), names);
        var again = Parse(csv.ToString()).Value;

        Assert.Equal(3, written);
        Assert.All(original.Opportunities.Zip(again.Opportunities), p => Assert.Equal(Doc(p.First), Doc(p.Second)));
        Assert.Equal(original.NewPartners.Select(p => (p.Id, p.Name)), again.NewPartners.Select(p => (p.Id, p.Name)));
        Assert.StartsWith(OpportunityCsvImporter.FullHeader + "\r\n", csv.ToString(), StringComparison.Ordinal);
    }

    private static string Doc(SalesOpportunity opportunity) => SnapshotJson.Serialize(opportunity.ToSnapshot());
}
