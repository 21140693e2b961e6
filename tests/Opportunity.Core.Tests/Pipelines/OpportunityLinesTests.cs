using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Pipelines;

public sealed class OpportunityLinesTests
{
    private static readonly TenantId Tenant = new("acme");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 2, 9, 0));

    [Fact]
    public void SetLines_TwoLines_AmountIsTheirRoundedSumAndTheEventCarriesBoth()
    {
        var deal = NewDeal();
        deal.MarkCommitted(1);

        // 3 × 33.33 × 85 % = 84.9915 → 84.99; 1 × 15.01 = 15.01.
        deal.SetLines([new OpportunityLine("pump-x", 3m, new Money(33.33m, CurrencyCode.EUR), 15m), new OpportunityLine("filter", 1m, new Money(15.01m, CurrencyCode.EUR))], "p1", _clock);

        Assert.Equal(new Money(100.00m, CurrencyCode.EUR), deal.Amount);
        var changed = Assert.IsType<OpportunityLinesChanged>(Assert.Single(deal.PendingEvents));
        Assert.Equal((new Money(10_000m, CurrencyCode.EUR), new Money(100.00m, CurrencyCode.EUR), 2), (changed.Previous, changed.Current, changed.Lines.Count));
    }

    [Fact]
    public void Amount_HalfCent_RoundsHalfToEven()
    {
        Assert.Equal(new Money(0.12m, CurrencyCode.EUR), new OpportunityLine("x", 1m, new Money(0.25m, CurrencyCode.EUR), 50m).Amount);   // 0.125 → 0.12
        Assert.Equal(new Money(0.38m, CurrencyCode.EUR), new OpportunityLine("x", 1m, new Money(0.75m, CurrencyCode.EUR), 50m).Amount);   // 0.375 → 0.38
        Assert.Equal(new Money(2m, CurrencyCode.JPY), new OpportunityLine("x", 1m, new Money(3m, CurrencyCode.JPY), 50m).Amount);        // 1.5 → 2 (even)
    }

    [Fact]
    public void ChangeAmount_DealWithLines_IsRefusedUntilTheLinesAreCleared()
    {
        var deal = NewDeal();
        deal.SetLines([new OpportunityLine("pump-x", 1m, new Money(500m, CurrencyCode.EUR))], "p1", _clock);

        var ex = Assert.Throws<DomainRuleException>(() => deal.ChangeAmount(new Money(1m, CurrencyCode.EUR), "p1", _clock));
        Assert.Equal(OpportunityErrorCodes.AmountDerivedFromLines, ex.ErrorCode);

        deal.SetLines([], "p1", _clock);
        Assert.Equal(new Money(500m, CurrencyCode.EUR), deal.Amount);
        deal.ChangeAmount(new Money(1m, CurrencyCode.EUR), "p1", _clock);
        Assert.Equal(new Money(1m, CurrencyCode.EUR), deal.Amount);
    }

    [Fact]
    public void SetLines_LineInAnotherCurrencyOrClosedDeal_IsRefused()
    {
        var deal = NewDeal();
        Assert.Throws<CurrencyMismatchException>(() => deal.SetLines([new OpportunityLine("x", 1m, new Money(5m, CurrencyCode.USD))], "p1", _clock));
        Assert.Empty(deal.Lines);

        deal.CloseLost("no budget", "p1", _clock);
        Assert.Throws<InvalidStateTransitionException>(() => deal.SetLines([new OpportunityLine("x", 1m, new Money(5m, CurrencyCode.EUR))], "p1", _clock));
    }

    [Theory]
    [InlineData(0, 10, 0, "quantity")]
    [InlineData(1.0000001, 10, 0, "quantity")]
    [InlineData(1, -1, 0, "unitPrice")]
    [InlineData(1, 10, 100.5, "discountPercent")]
    [InlineData(1, 10, 10.125, "discountPercent")]
    public void OpportunityLine_OutOfRange_NamesTheParameter(double quantity, double price, double discount, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new OpportunityLine("x", (decimal)quantity, new Money((decimal)price, CurrencyCode.EUR), (decimal)discount));
        Assert.Equal(parameter, ex.ParamName);
    }

    [Fact]
    public void SetSplits_SharesNotHundredOrPartyTwice_IsAValidationErrorOnSplits()
    {
        var deal = NewDeal();

        var short90 = Assert.Throws<InputValidationException>(() => deal.SetSplits([new OpportunitySplit("p1", SplitRole.Partner, 60m), new OpportunitySplit("d1", SplitRole.Distributor, 30m)], "p1", _clock));
        var twice = Assert.Throws<InputValidationException>(() => deal.SetSplits([new OpportunitySplit("p1", SplitRole.Partner, 50m), new OpportunitySplit("p1", SplitRole.Partner, 50m)], "p1", _clock));

        Assert.Equal("splits", short90.Field);
        Assert.Contains("90", short90.Message, StringComparison.Ordinal);
        Assert.Contains("appears 2 times", twice.Message, StringComparison.Ordinal);
        Assert.Equal("splits", Assert.Single(twice.Errors).Location);
        Assert.Empty(deal.Splits);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpportunitySplit("p1", SplitRole.Partner, 33.333m));
    }

    [Fact]
    public void SetSplits_ValidSharesOnAClosedDeal_AreKeptAndRaiseOneEvent()
    {
        var deal = NewDeal();
        deal.CloseWon("signed", "p1", _clock);
        deal.MarkCommitted(1);

        deal.SetSplits([new OpportunitySplit("p1", SplitRole.Partner, 66.67m), new OpportunitySplit("d1", SplitRole.Distributor, 33.33m)], "p1", _clock);
        deal.SetSplits([new OpportunitySplit("p1", SplitRole.Partner, 66.67m), new OpportunitySplit("d1", SplitRole.Distributor, 33.33m)], "p1", _clock);

        Assert.Equal([6_667, 3_333], deal.Splits.Select(s => s.BasisPoints));
        Assert.IsType<OpportunitySplitsChanged>(Assert.Single(deal.PendingEvents));
    }

    [Fact]
    public void Document_WithLinesAndSplits_RoundTripsAndADealWithoutThemWritesNeither()
    {
        var plain = NewDeal();
        var deal = NewDeal();
        deal.SetLines([new OpportunityLine("pump-x", 2.5m, new Money(99.99m, CurrencyCode.EUR), 12.5m)], "p1", _clock);
        deal.SetSplits([new OpportunitySplit("p1", SplitRole.Partner, 80m), new OpportunitySplit("rep anna", SplitRole.ManufacturerRep, 20m)], "p1", _clock);

        var json = SnapshotJson.Serialize(deal.ToSnapshot());
        var back = SalesOpportunity.FromSnapshot(SnapshotJson.DeserializeOpportunity(json), PipelineDefinition.Default);

        Assert.Equal(deal.Lines, back.Lines);
        Assert.Equal(deal.Splits, back.Splits);
        Assert.Equal(json, JsonSerializer.Serialize(deal.ToSnapshot(), SnapshotJson.Options)); // the hand-written writer agrees with the serializer
        Assert.DoesNotContain("\"lines\"", SnapshotJson.Serialize(plain.ToSnapshot()), StringComparison.Ordinal);
        Assert.DoesNotContain("\"splits\"", SnapshotJson.Serialize(plain.ToSnapshot()), StringComparison.Ordinal);
    }

    [Fact]
    public void Events_LinesAndSplitsChanged_RoundTripThroughTheEventSerializer()
    {
        var deal = NewDeal();
        deal.MarkCommitted(1);
        deal.SetLines([new OpportunityLine("pump-x", 1m, new Money(10m, CurrencyCode.EUR))], "p1", _clock);
        deal.SetSplits([new OpportunitySplit("p1", SplitRole.Partner, 100m)], "p1", _clock);

        foreach (var domainEvent in deal.PendingEvents)
        {
            var back = DomainEventSerializer.Deserialize(domainEvent.GetType().Name, DomainEventSerializer.Serialize(domainEvent));
            Assert.Equal(DomainEventSerializer.Serialize(domainEvent), DomainEventSerializer.Serialize(back));
        }

        var lines = (OpportunityLinesChanged)DomainEventSerializer.Deserialize(nameof(OpportunityLinesChanged), DomainEventSerializer.Serialize(deal.PendingEvents[0]));
        Assert.Equal(deal.Lines, lines.Lines);
    }

    private SalesOpportunity NewDeal() =>
        SalesOpportunity.Open(Tenant, new OpportunityId("O1"),
            new SalesOpportunityDraft(new PartnerId("p1"), new Money(10_000m, CurrencyCode.EUR), new LocalDate(2027, 3, 31)),
            PipelineDefinition.Default, "p1", _clock);
}
