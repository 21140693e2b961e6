using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Events;

public sealed class DomainEventSerializerTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 2, 9, 0));

    [Fact]
    public void RoundTrip_EveryEventOfALifecycle_IsEqual()
    {
        var lead = Lead.Capture(new TenantId("acme"), new LeadId("L1"), new LeadDetails { Source = "fair" }, "u", _clock);
        lead.Qualify(LeadQualification.Full, "u", _clock);
        lead.Assign(new PartnerId("p1"), _clock.GetCurrentInstant() + Duration.FromHours(8), "router", _clock);
        lead.Reject(new PartnerId("p1"), "busy", _clock);
        lead.Assign(new PartnerId("p2"), _clock.GetCurrentInstant() + Duration.FromHours(8), "router", _clock);
        lead.Recall("system", _clock);
        lead.MarkUnroutable("nobody left", "router", _clock);
        lead.Assign(new PartnerId("p3"), _clock.GetCurrentInstant() + Duration.FromHours(8), "manager", _clock);
        lead.Accept(new PartnerId("p3"), _clock);
        lead.Convert(new OpportunityId("O1"), "p3", _clock);

        var deal = SalesOpportunity.Open(new TenantId("acme"), new OpportunityId("O1"),
            new SalesOpportunityDraft(new PartnerId("p3"), new Money(1234.56m, CurrencyCode.EUR), new LocalDate(2027, 2, 28)), PipelineDefinition.Default, "p3", _clock);
        deal.ChangeAmount(new Money(2000m, CurrencyCode.EUR), "p3", _clock);
        deal.ChangeExpectedClose(new LocalDate(2027, 3, 31), "p3", _clock);
        deal.OverrideProbability(Probability.FromBasisPoints(3333), "p3", _clock);
        deal.OverrideForecastCategory(ForecastCategory.Commit, "p3", _clock);
        deal.RecordActivity("visit", "p3", _clock);
        deal.MoveToStage("Proposal", "p3", _clock);
        deal.CloseLost("price", "p3", _clock);
        deal.Reopen("Negotiation", "budget found", "p3", _clock);

        foreach (var e in lead.PendingEvents.Concat(deal.PendingEvents))
        {
            var json = DomainEventSerializer.Serialize(e);
            Assert.Equal(e, DomainEventSerializer.Deserialize(e.EventType, json));
        }
    }

    [Fact]
    public void Serialize_WritesMoneyAsExactDecimalString()
    {
        var evt = new OpportunityAmountChanged(new Money(0.10m, CurrencyCode.EUR), new Money(1234567890.12m, CurrencyCode.EUR));
        var json = DomainEventSerializer.Serialize(evt);
        Assert.Contains("\"amount\":\"1234567890.12\"", json, StringComparison.Ordinal);
        Assert.Contains("\"currency\":\"EUR\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_UnknownType_ThrowsNamingIt()
    {
        var ex = Assert.Throws<JsonException>(() => DomainEventSerializer.Deserialize("LeadTeleported", "{}"));
        Assert.Contains("LeadTeleported", ex.Message, StringComparison.Ordinal);
    }

    private sealed record CustomThingHappened(string What) : DomainEvent;

    [Fact]
    public void Register_CustomEvent_CanBeRead()
    {
        DomainEventSerializer.Register<CustomThingHappened>();
        var json = DomainEventSerializer.Serialize(new CustomThingHappened("x"));
        Assert.Equal("x", Assert.IsType<CustomThingHappened>(DomainEventSerializer.Deserialize(nameof(CustomThingHappened), json)).What);
    }
}
